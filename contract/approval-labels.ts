// Honest labels: who approved, and how sure anyone can be. A login GitHub vouches for (approval
// via GitHub) reads "@alice (verified by GitHub)"; a name typed into a signal or an update
// reads "alice (self-declared)". CLI, Web UI and the GitHub Deployment status all say it so.
import type { ApprovalRecord, DeploymentStatus } from './types.js';

export const VERIFIED_BY_GITHUB = 'verified by GitHub';
export const SELF_DECLARED = 'self-declared';

export const approverLabel = (a: Pick<ApprovalRecord, 'by' | 'verified' | 'bypass'>): string =>
  a.bypass ? BYPASS : a.verified ? `@${a.by} (${VERIFIED_BY_GITHUB})` : `${a.by} (${SELF_DECLARED})`;

/** A gate run released with no review: nobody approved, so nobody is named. */
export const BYPASS = 'an administrator bypass (no review on GitHub)';

/** Who started the deployment: the login GitHub recorded, or the name the client gave. */
export const deployerLabel = (s: Pick<DeploymentStatus, 'requestedBy' | 'deployer'>): string =>
  s.deployer ? `@${s.deployer.login} (${VERIFIED_BY_GITHUB})` : s.requestedBy;
