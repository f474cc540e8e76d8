// `approve`/`reject` where the deployment's gate is on GitHub, for one service and for a train's
// gate alike: the review goes to GitHub as the operator, with the command's comment (approve) or
// reason (reject); a typed `--by` must be the token's owner.
import type { DeploymentStatus, GateStatus } from '../contract/types.js';
import { decideOnGitHub } from './github-identity.js';

/** The flags of a decision command that the GitHub review reads. */
export interface GateDecisionFlags {
  by: string;
  comment?: string;
  reason?: string;
  /** `--by` was typed, not defaulted. */
  byGiven?: boolean;
}

/** Reviews the gate run `status` waits on (`gate`: its gate); the answer says what was done on GitHub. */
export const decideOnGitHubGate = (
  status: DeploymentStatus,
  gate: GateStatus,
  decision: 'approve' | 'reject',
  flags: GateDecisionFlags,
): Promise<string> =>
  decideOnGitHub(
    status,
    gate.github,
    decision,
    (decision === 'approve' ? flags.comment : flags.reason) ?? '',
    process.env,
    flags.byGiven ? flags.by : undefined,
  );
