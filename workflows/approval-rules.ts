// What a completed QA gate run means (approval via GitHub), as a pure function of what GitHub
// said about it: GitHub already decided who may review; bluegreen adds the binding to this
// build, separation of duties, its own approvers list and N distinct approvals.
import type { GateDecision } from '../activities/approval-types.js';
import type { DeploymentPlan } from '../contract/types.js';

export interface ApprovalRules {
  /** GitHub logins and `org/team` slugs whose approval counts; empty: any reviewer GitHub accepts. */
  approvers: string[];
  minApprovals: number;
  allowSelfApproval: boolean;
}

export const approvalRulesOf = (plan: DeploymentPlan): ApprovalRules => ({
  approvers: plan.approval.approvers,
  minApprovals: plan.approval.minApprovals ?? 1,
  allowSelfApproval: plan.approval.allowSelfApproval ?? false,
});

/** Whether the plan asks for approval via GitHub. */
export const approvesViaGitHub = (plan: Pick<DeploymentPlan, 'approval'>): boolean =>
  plan.approval.required && plan.approval.gate !== undefined && (plan.approval.via ?? []).includes('github');

export type GateOutcome =
  /** A verified approval that counts. */
  | { kind: 'approved'; login: string; comment: string }
  /** Given, but not taken (recorded with the reason); the gate opens again. */
  | { kind: 'refused'; login?: string; comment?: string; reason: string }
  /** A reviewer said no: the deployment stops. */
  | { kind: 'rejected'; login: string; comment: string }
  /** The gate run ended without a decision (expired, cancelled, failed): the deployment stops. */
  | { kind: 'ended'; reason: string };

export interface GateContext {
  rules: ApprovalRules;
  /** The deployer as GitHub knows them; undefined when not verified. */
  deployer?: string;
  /** Logins whose approval already counted. */
  counted: readonly string[];
  /** Whether the approving login is among `rules.approvers` (teams resolved by the caller). */
  isApprover: boolean;
}

/** Whether two names are one person: GitHub logins compare case-insensitively. */
export const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The login of the approval a completed gate run carries, if any (the one to check as approver). */
export const approvingLogin = (d: GateDecision): string | undefined =>
  d.reviews.filter((r) => r.state === 'approved').at(-1)?.login;

export function judgeGate(d: GateDecision, ctx: GateContext): GateOutcome {
  const run = `gate run ${d.runId}`;
  const approved = d.reviews.filter((r) => r.state === 'approved').at(-1);
  if (!d.boundToBuild) {
    return {
      kind: 'refused',
      ...(approved ? { login: approved.login, comment: approved.comment } : {}),
      reason: `${run} ("${d.title}") is not for this deployment's id and SHA: its review is not taken`,
    };
  }
  const rejected = d.reviews.find((r) => r.state === 'rejected');
  if (rejected) return { kind: 'rejected', login: rejected.login, comment: rejected.comment };
  if (d.conclusion === 'cancelled')
    return { kind: 'ended', reason: `${run} was cancelled on GitHub before anyone reviewed it (${d.url})` };
  if (d.conclusion !== 'success') {
    return {
      kind: 'ended',
      reason: approved
        ? `${run} ended ${d.conclusion} after its approval (${d.url})`
        : `${run} ended ${d.conclusion ?? 'without a conclusion'} without a review: it expired (GitHub fails a job that waits 30 days for review) or failed (${d.url})`,
    };
  }
  if (!approved) {
    return {
      kind: 'refused',
      reason: `${run} passed without a recorded approval (an administrator bypassed the environment's protection rules?): not taken`,
    };
  }
  const { login, comment } = approved;
  if (ctx.deployer !== undefined && sameLogin(login, ctx.deployer) && !ctx.rules.allowSelfApproval) {
    return {
      kind: 'refused',
      login,
      comment,
      reason: `@${login} started this deployment and may not approve it (allowSelfApproval: false)`,
    };
  }
  if (ctx.counted.some((c) => sameLogin(c, login))) {
    return {
      kind: 'refused',
      login,
      comment,
      reason: `@${login} already approved: ${ctx.rules.minApprovals} different people must`,
    };
  }
  if (!ctx.isApprover) {
    return {
      kind: 'refused',
      login,
      comment,
      reason: `@${login} is a reviewer on GitHub but not an approver (${ctx.rules.approvers.join(', ')})`,
    };
  }
  return { kind: 'approved', login, comment };
}
