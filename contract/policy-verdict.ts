// What the worker's policy answers about a plan (worker/policy-activities.ts, the plan phase's
// first read): data the workflow records, so it is part of the contract, not of the worker.
import type { ApprovalPlan } from './types.js';

/** How a decision may reach a deployment: a signal (CLI, Web UI) or a review on GitHub. */
export type ApprovalChannel = NonNullable<ApprovalPlan['via']>[number];

/** The approval rules a deployment runs with: the policy, tightened by the plan. */
export interface EffectiveApproval {
  required: boolean;
  /** Logins and `org/team` slugs whose approval counts. */
  approvers: string[];
  minApprovals: number;
  allowSelfApproval: boolean;
  /** Who may `promote`. */
  promoters: string[];
  /**
   * Who may `retry`, `rollback` and `abort` besides the deployer, the approvers and the
   * promoters (workflows/decisions.ts).
   */
  operators?: string[];
  via: ApprovalChannel[];
  timeoutMs: number;
}

export interface PlanPolicyVerdict {
  /** Every rule the plan breaks, one sentence each; empty when the plan is allowed. */
  problems: string[];
  approval: EffectiveApproval;
}
