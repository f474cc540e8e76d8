// `bluegreen status`: the metric analysis and verify.tests blocks (workflows/analysis-details.ts).
import { analysisSections, testLines } from '../workflows/analysis-details.js';
import type { DeploymentStatus } from '../workflows/types.js';

export function analysisStatusLines(s: DeploymentStatus): string[] {
  const lines: string[] = [];
  for (const section of analysisSections(s)) {
    lines.push('', `  ${section.title}: ${section.verdict ?? ''}`);
    for (const m of section.metrics) {
      lines.push(`    ${m.mark} ${m.line}`);
      if (m.query) lines.push(`      query: ${m.query}`);
      if (m.at || m.bounds) lines.push(`      at ${m.at ?? '?'}${m.bounds ? `, ${m.bounds}` : ''}`);
      if (m.link) lines.push(`      graph: ${m.link}`);
    }
  }
  const tests = testLines(s);
  if (tests.length > 0) lines.push('', '  Tests against the target color:', ...tests.map((t) => `    ${t}`));
  return lines;
}
