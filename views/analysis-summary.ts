// A phase's checks in words: "✓ health 3/3 · ✗ error-rate 2/3 (last: error-rate: 0.07 above 0.05)",
// the same words in the CLI and the Web UI's current details (views/analysis-details.ts). Pure.
import type { CheckSummary } from '../analysis/types.js';

export function describeChecks(checks: CheckSummary[]): string {
  return checks
    .map((c) => {
      const mark = c.failures > 0 ? '✗' : c.passes === c.measurements ? '✓' : '?';
      const last = c.last && c.last.verdict !== 'pass' ? ` (last: ${c.last.reason})` : '';
      const inconclusive = c.inconclusive > 0 ? `, ${c.inconclusive} inconclusive` : '';
      return `${mark} ${c.check} ${c.passes}/${c.measurements}${inconclusive}${last}`;
    })
    .join(' · ');
}
