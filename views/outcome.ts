// How a finished deployment is named: its mark and where traffic ended, in the same words in the
// CLI (client/render.ts) and the Web UI's current details (views/current-details.ts).
import { bluegreenCommand } from '../contract/commands.js';
import type { Color, DeploymentStatus, Outcome } from '../contract/types.js';

export const OUTCOME_MARK: Readonly<Record<Outcome, string>> = { SUCCEEDED: '✓', FAILED: '✗', ROLLED_BACK: '↺', ABORTED: '⊘' };

/** ": traffic is on green" / ": traffic is back on blue" for an outcome that says where traffic is, else "". */
export function whereTrafficEnded(s: Pick<DeploymentStatus, 'outcome' | 'activeColor' | 'targetColor'>): string {
  if (s.outcome === 'SUCCEEDED' && s.targetColor) return `: traffic is on ${s.targetColor}`;
  if (s.outcome === 'ROLLED_BACK' && s.activeColor) return `: traffic is back on ${s.activeColor}`;
  return '';
}

/**
 * The color that takes traffic once the deployment has ended: the target after a success or a
 * failure after the switch (sync, a post-sync hook), the active color otherwise.
 */
export function liveColorAtEnd(
  s: Pick<DeploymentStatus, 'outcome' | 'activeColor' | 'targetColor' | 'phases'>,
): Color | undefined {
  if (s.outcome === 'SUCCEEDED') return s.targetColor;
  if (s.outcome === 'FAILED' && s.phases.some((p) => p.name === 'switch' && p.state === 'succeeded')) return s.targetColor;
  return s.activeColor;
}

/** What to do after the end, in one sentence with the exact command. */
export function afterTheEnd(s: Pick<DeploymentStatus, 'outcome' | 'service' | 'targetColor'>): string {
  const deploy = `\`${bluegreenCommand('deploy', s.service)}\``;
  switch (s.outcome) {
    case 'SUCCEEDED':
      return `nothing to do; to go back to the previous version: \`${bluegreenCommand('revert', s.service)}\``;
    case 'ROLLED_BACK':
      return `${s.targetColor ? `${s.targetColor} still runs the new version for inspection; ` : ''}fix the cause, then deploy again: ${deploy}`;
    case 'ABORTED':
      return `deploy again when ready: ${deploy}`;
    default:
      return `fix the cause named above, then deploy again: ${deploy}`;
  }
}
