// `bluegreen status`: what verify and monitor measured (their checks, their metric analysis) and
// the verify.tests runs, laid out from views/analysis-details.ts as the Web UI's are.
import { analysisViews, testLines } from '../views/analysis-details.js';
import type { DeploymentStatus } from '../contract/types.js';

export function analysisStatusLines(s: DeploymentStatus): string[] {
  const lines: string[] = [];
  const views = analysisViews(s);
  const checked = views.filter((v) => v.checks);
  if (checked.length > 0) {
    lines.push('', '  Checks:');
    for (const v of checked) lines.push(`    ${v.phase.padEnd(8)} ${v.checks}`);
  }
  for (const section of views.flatMap((v) => (v.metrics ? [v.metrics] : []))) {
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
