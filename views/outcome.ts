// How a finished deployment is named: its mark and where traffic ended, in the same words in the
// CLI (client/render.ts) and the Web UI's current details (views/current-details.ts).
import type { DeploymentStatus, Outcome } from '../contract/types.js';

export const OUTCOME_MARK: Readonly<Record<Outcome, string>> = { SUCCEEDED: '✓', FAILED: '✗', ROLLED_BACK: '↺', ABORTED: '⊘' };

/** ": traffic is on green" / ": traffic is back on blue" for an outcome that says where traffic is, else "". */
export function whereTrafficEnded(s: Pick<DeploymentStatus, 'outcome' | 'activeColor' | 'targetColor'>): string {
  if (s.outcome === 'SUCCEEDED' && s.targetColor) return `: traffic is on ${s.targetColor}`;
  if (s.outcome === 'ROLLED_BACK' && s.activeColor) return `: traffic is back on ${s.activeColor}`;
  return '';
}
