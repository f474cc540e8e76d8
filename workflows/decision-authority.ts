// Who may send which decision, under the worker's policy as the plan phase applied it (pure
// functions of the plan and the status). Names in signals are typed by their sender, so:
//   - approve/reject by signal only where the policy's channels include `signal`;
//   - promote and override only where they do too: under a github-only policy (`via: [github]`)
//     there is no GitHub-verified promote or override, so they are refused, saying so;
//   - promote: the promoters, in every branch (also while an analysis question is open);
//   - override: the approvers (with none listed: whoever may operate);
//   - retry, rollback, abort: the deployer, the approvers, the promoters, or the policy's
//     `operators` (logins; a team entry vouches for nobody on this path).
import { sameLogin } from './approval-rules.js';
import { deployerName, isTeamSlug, teamName } from './signal-approval-rules.js';
import type { DeploymentPlan, StatusView } from '../contract/types.js';

/** What decides who may send a decision; absent for deployments started before it did. */
export interface DecisionAuthority {
  /** The approval channels of the policy (effective `via`). */
  via: ReadonlyArray<'signal' | 'github'>;
  /** Who may retry, roll back or abort besides the deployer, the approvers and the promoters. */
  operators: readonly string[];
}

/** Read when a decision arrives: by then the plan phase has put the policy's rules in the plan. */
export const authorityOf = (plan: Pick<DeploymentPlan, 'approval'>): DecisionAuthority => ({
  via: plan.approval.via ?? ['signal', 'github'],
  operators: plan.approval.operators ?? [],
});

/** Whether the policy takes only identities GitHub verified: no name typed into a signal counts. */
export const verifiedOnly = (authority: DecisionAuthority): boolean => !authority.via.includes('signal');

/** Why an approve/reject by signal is refused under the policy's channels, or undefined. */
export function signalApprovalRefusal(status: StatusView, authority: DecisionAuthority): string | undefined {
  if (!verifiedOnly(authority)) return undefined;
  return `the worker's policy takes approvals of ${status.service} only verified by GitHub (approval.via: github): a name typed into a signal proves nothing`;
}

/** Why a promote or override is refused because the policy takes only verified identities, or undefined. */
export function unverifiedRefusal(
  kind: 'promote' | 'override',
  status: StatusView,
  authority: DecisionAuthority,
): string | undefined {
  if (!verifiedOnly(authority)) return undefined;
  const what =
    kind === 'promote'
      ? 'nobody may promote it: the monitor window and an open analysis question end by themselves (or roll back)'
      : 'nobody may override its switch window: it switches when the window opens (or abort)';
  return `the worker's policy takes only identities verified by GitHub for ${status.service} (approval.via: github), and bluegreen has no GitHub-verified ${kind}: ${what}`;
}

/** Everyone who may retry, roll back or abort: deployer, approvers, promoters, operators (logins). */
export function operatorsOf(status: StatusView, authority: DecisionAuthority): string[] {
  const names = [deployerName(status), ...status.approvers, ...(status.promoters ?? []), ...authority.operators];
  const unique: string[] = [];
  for (const name of names) {
    if (!isTeamSlug(name) && !unique.some((n) => sameLogin(n, name))) unique.push(name);
  }
  return unique;
}

const MAX_NAMES_SHOWN = 12;

/** Why `by` may not send `kind` (retry, rollback, abort, or override without approvers), or undefined. */
export function operatorRefusal(
  by: string,
  kind: 'retry' | 'rollback' | 'abort' | 'override',
  status: StatusView,
  authority: DecisionAuthority,
): string | undefined {
  if (isTeamSlug(by)) return teamName(by);
  const allowed = operatorsOf(status, authority);
  if (allowed.some((name) => sameLogin(name, by))) return undefined;
  const shown = allowed.slice(0, MAX_NAMES_SHOWN).join(', ') + (allowed.length > MAX_NAMES_SHOWN ? ', …' : '');
  return `${by} may not ${kind} this deployment: only its deployer, approvers, promoters and the worker policy's operators may (${shown})`;
}
