// A phase's checks in words, for the CLI and the Web UI's current details (the same words):
// "✓ health 3/3 · ✗ error-rate 2/3 (last: error-rate: 0.07 above 0.05)". Pure.
import type { CheckSummary } from './types.js';

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

/** The phases whose checks have been measured, with their words. */
export const analysisLines = (analysis: { verify?: CheckSummary[]; monitor?: CheckSummary[] } | undefined): [string, string][] =>
  (['verify', 'monitor'] as const).flatMap((phase) => {
    const checks = analysis?.[phase];
    return checks && checks.length > 0 ? [[phase, describeChecks(checks)] as [string, string]] : [];
  });
