// The worker policy's rules as pure functions of (plan, policy): no I/O, no clock, so the plan
// phase's check activity, the CLI's `validate` and the tests all get the same answer. Every
// broken rule is one sentence naming the policy field that decides it. The plug-ins' rules and
// the plan's bounds come from worker/plan-check.ts.
import type { DeploymentPlan } from '../contract/types.js';
import { globMatches, normalizeUrl, urlMatches } from '../contract/patterns.js';
import { pluginProblems, planBoundProblems, planTouches } from './plan-check.js';
import { egressProblems, planHeaderProblems } from './policy-egress.js';
import { GITHUB_API_ROOT, type ApprovalPolicy, type WorkerPolicy } from './policy-schema.js';
import type { EffectiveApproval } from '../contract/policy-verdict.js';

export { globMatches, urlMatches };

/** Whether the policy sends GitHub credentials to this API root. */
export const apiRootAllowed = (policy: WorkerPolicy, root: string | undefined): boolean =>
  policy.github.apiRoots.some((entry) => urlMatches(entry, normalizeUrl(root ?? GITHUB_API_ROOT)));

/** The approval rules of a service: the first `services` entry that matches, else `defaults`. */
export function servicePolicyFor(policy: WorkerPolicy, service: string): { approval: ApprovalPolicy; at: string } {
  const index = policy.services.findIndex((s) => globMatches(s.match, service));
  return index >= 0
    ? { approval: policy.services[index]!.approval, at: `services[${index}].approval` }
    : { approval: policy.defaults.approval, at: 'defaults.approval' };
}

/** What the deployer's plan may say about approval (fields beyond required/approvers are optional). */
export interface PlanApproval {
  required: boolean;
  approvers: string[];
  timeoutMs: number;
  minApprovals?: number;
  allowSelfApproval?: boolean;
  promoters?: string[];
  via?: ApprovalPolicy['via'];
  /** Present when the plan approves via GitHub (its QA gate run). */
  gate?: unknown;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const among = (list: string[], name: string) => list.some((n) => same(n, name));

/**
 * The plan can only tighten: required stays required, its approvers must be among the policy's
 * (and are then the only ones), it may ask for more approvals and fewer channels, never for
 * self-approval the policy forbids. `at` is the policy path named in the sentences.
 */
export function effectiveApprovalPolicy(
  planApproval: PlanApproval,
  servicePolicy: ApprovalPolicy,
  at = 'defaults.approval',
): { approval: EffectiveApproval; problems: string[] } {
  const problems: string[] = [];
  const allowed = servicePolicy.approvers;
  const outside = allowed ? planApproval.approvers.filter((name) => !among(allowed, name)) : [];
  for (const name of outside) {
    problems.push(
      `the plan names approver "${name}", who is not among the approvers the worker's policy allows (${at}.approvers: ${allowed!.join(', ')})`,
    );
  }
  const planned = planApproval.approvers.filter((name) => !outside.includes(name));
  const approvers = planned.length > 0 ? planned : (allowed ?? []);
  const required = servicePolicy.required || planApproval.required;
  const minApprovals = Math.max(servicePolicy.minApprovals, planApproval.minApprovals ?? 1);
  const via = servicePolicy.via.filter((channel) => planApproval.via?.includes(channel) ?? true);
  // A plan that asks for less than the policy is refused, not quietly raised: it was not written
  // for this worker (or was written against it).
  if (planApproval.minApprovals !== undefined && planApproval.minApprovals < servicePolicy.minApprovals) {
    problems.push(
      `the plan asks for approval.minApprovals: ${planApproval.minApprovals}, fewer than the worker's policy requires (${at}.minApprovals: ${servicePolicy.minApprovals})`,
    );
  }
  if (planApproval.allowSelfApproval === true && !servicePolicy.allowSelfApproval) {
    problems.push(
      `the plan asks for approval.allowSelfApproval: true, which the worker's policy forbids (${at}.allowSelfApproval: false)`,
    );
  }
  // Without a gate run nothing GitHub verified can arrive: approvals would be signals, a name
  // the sender typed. They are a path only where the policy's channels include them.
  const gated = planApproval.gate !== undefined && via.includes('github');
  if (required && !gated && via.length > 0 && !via.includes('signal')) {
    problems.push(
      `${planApproval.via?.includes('github') ? 'the plan asks for approval via github but names no gate' : 'the plan names no approval gate'} (approval.gate: workflow, ref, environment); without one, approvals would be signals, which the worker's policy does not take (${at}.via: ${servicePolicy.via.join(', ')})`,
    );
  }
  if (required && approvers.length === 0) {
    problems.push(
      `the worker's policy requires approval (${at}.required) but nobody may approve: list approvers in the plan's approval.approvers or in ${at}.approvers`,
    );
  }
  const teams = approvers.some((name) => name.includes('/'));
  if (required && !teams && approvers.length > 0 && minApprovals > approvers.length) {
    problems.push(
      `${minApprovals} approvals are needed (${at}.minApprovals) but only ${approvers.length} approver${approvers.length === 1 ? '' : 's'} may approve (${approvers.join(', ')})`,
    );
  }
  // On the signal path `by` is typed by the sender: a team entry can vouch for nobody
  // (workflows/signal-approval-rules.ts), so only literal logins can make up the approvals.
  const signalPath = !gated;
  const logins = approvers.filter((name) => !name.includes('/'));
  if (required && signalPath && teams && logins.length < minApprovals) {
    problems.push(
      `approval goes through signals, where a team cannot be verified, and ${minApprovals} approval${minApprovals === 1 ? ' is' : 's are'} needed but ` +
        `${logins.length === 0 ? 'no approver is' : `only ${logins.length} approver${logins.length === 1 ? ' is' : 's are'}`} a GitHub login ` +
        `(${approvers.join(', ')}): use approval.via: github with a gate, or list logins in ${at}.approvers`,
    );
  }
  if (required && via.length === 0) {
    problems.push(`the plan allows no approval channel the worker's policy allows (${at}.via: ${servicePolicy.via.join(', ')})`);
  }
  const promoters = (servicePolicy.promoters ?? approvers).filter(
    (name) => !planApproval.promoters || among(planApproval.promoters, name),
  );
  return {
    approval: {
      required,
      approvers,
      minApprovals,
      allowSelfApproval: servicePolicy.allowSelfApproval && (planApproval.allowSelfApproval ?? true),
      promoters,
      operators: [...(servicePolicy.operators ?? [])],
      via,
      timeoutMs: planApproval.timeoutMs,
    },
    problems,
  };
}

/** Every rule of the worker's policy the plan breaks, as sentences; empty when the plan is allowed. */
export function checkPlanAgainstPolicy(plan: DeploymentPlan, policy: WorkerPolicy): string[] {
  const problems: string[] = [];
  const root = normalizeUrl(plan.github.baseUrl ?? GITHUB_API_ROOT);
  if (!apiRootAllowed(policy, root)) {
    problems.push(
      `the worker's policy does not send GitHub credentials to ${root} (github.apiRoots: ${policy.github.apiRoots.join(', ')})`,
    );
  }
  const repository = `${plan.github.owner}/${plan.github.repo}`;
  if (!policy.github.repositories.some((pattern) => globMatches(pattern, repository, true))) {
    problems.push(
      `the worker's policy does not serve the repository ${repository} (github.repositories: ${policy.github.repositories.join(', ')})`,
    );
  }
  problems.push(...planBoundProblems(plan, policy), ...pluginProblems(plan, policy));
  // Every URL fetched on the plan's behalf (its own and its plug-ins'), and the headers it sets.
  const touched = planTouches(plan, policy).flatMap((t) => t.urls.map((url) => ({ at: t.at, url })));
  problems.push(...planHeaderProblems(plan), ...egressProblems(plan, policy, touched));
  const { approval, at } = servicePolicyFor(policy, plan.service);
  problems.push(...effectiveApprovalPolicy(plan.approval, approval, at).problems);
  return problems;
}
