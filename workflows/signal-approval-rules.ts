// Separation of duties on the signal path (`approval.via: signal`), as pure functions: the rules
// approval via GitHub applies (approval-rules.ts judgeGate) applied to names typed into a
// signal or an update. The names stay self-declared; the rules still stop the honest mistake
// and make a forged approval need a second forged name.
//   - allowSelfApproval: false → the deployer (GitHub's `creator` login when verified, else the
//     plan's requestedBy) may not approve their own deployment;
//   - minApprovals: N → N approvals from N different people;
//   - `org/team` entries of approvers/promoters: a signal cannot show who in the team sent it
//     (there is no GitHub identity to ask about), so on this path they match nobody, and a `by`
//     naming a team is refused. Team approvers approve via GitHub.
import { sameLogin } from './approval-rules.js';
import type { DeploymentStatus } from '../contract/types.js';

/** What the signal path enforces (minApprovals, self-approval, who counted so far). */
export interface SignalApprovalRules {
  minApprovals: number;
  allowSelfApproval: boolean;
  /** Names whose approval counted so far. */
  approvedBy: readonly string[];
}

export const isTeamSlug = (name: string): boolean => name.includes('/');

/** Who started the deployment, as far as anyone knows: GitHub's login, else the client's name. */
export const deployerName = (status: Pick<DeploymentStatus, 'deployer' | 'requestedBy'>): string =>
  status.deployer?.login ?? status.requestedBy;

/**
 * Why `by` may not decide as one of `list` (approvers or promoters) on the signal path, or
 * undefined when it may. `role` names the list in the sentence.
 */
export function notListed(by: string, list: readonly string[], role: 'approvers' | 'promoters'): string | undefined {
  if (isTeamSlug(by)) return teamName(by);
  if (list.some((entry) => !isTeamSlug(entry) && sameLogin(entry, by))) return undefined;
  const teams = list.filter(isTeamSlug);
  const note =
    teams.length > 0
      ? `; its team entries (${teams.join(', ')}) cannot be verified for a signal and count only on approval via GitHub`
      : '';
  return role === 'approvers'
    ? `${by} is not on the approvers list (${list.join(', ')})${note}`
    : `${by} may not promote (promoters: ${list.join(', ')})${note}`;
}

export const teamName = (by: string) =>
  `"${by}" names a team: a signal cannot show who in the team sent it, so teams decide only via GitHub (approval.via: github); name yourself`;

/** Why an `approve` by `by` does not count under the rules, or undefined when it does. */
export function refusedApproval(
  by: string,
  status: Pick<DeploymentStatus, 'deployer' | 'requestedBy'>,
  rules: SignalApprovalRules,
): string | undefined {
  if (isTeamSlug(by)) return teamName(by);
  if (!rules.allowSelfApproval && sameLogin(by, deployerName(status))) {
    return `${by} started this deployment and may not approve it (allowSelfApproval: false)`;
  }
  if (rules.approvedBy.some((name) => sameLogin(name, by))) {
    return `${by} already approved: ${rules.minApprovals} different people must`;
  }
  return undefined;
}
