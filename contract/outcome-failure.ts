// How a deployment that did not succeed ends in Temporal: as a failed workflow whose
// ApplicationFailure names the outcome (the Web UI's list shows "Failed", not a green
// "Completed") and carries the final DeploymentStatus in its details, so every reader still
// gets the status, ended either way. SUCCEEDED completes normally with the status as result.
import type { Outcome } from './types.js';

/** The ApplicationFailure type of each unsuccessful outcome. */
export const OUTCOME_FAILURE_TYPE = {
  FAILED: 'DeploymentFailed',
  ROLLED_BACK: 'DeploymentRolledBack',
  ABORTED: 'DeploymentAborted',
} as const satisfies Record<Exclude<Outcome, 'SUCCEEDED'>, string>;

const TYPES: readonly string[] = Object.values(OUTCOME_FAILURE_TYPE);

/** Whether an ApplicationFailure type is one of a deployment's outcomes. */
export const isOutcomeFailureType = (type: string | null | undefined): boolean => TYPES.includes(type ?? '');

/** The failure message: the outcome, where traffic is and why, as the Web UI and `temporal workflow show` print it. */
export function outcomeFailureMessage(outcome: Outcome, reason: string | undefined, live: string | undefined): string {
  return `${outcome}${live ? ` (traffic on ${live})` : ''}: ${reason ?? 'no reason recorded'}`;
}
