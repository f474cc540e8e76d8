// The plan phase's first activity: the plan checked against the worker's policy
// (bluegreen-worker.yaml) before any request that carries a credential. The answer is plain
// data the workflow records: the broken rules as sentences, and the approval rules the
// deployment runs with (the policy's, tightened by the plan).
import { log } from '@temporalio/activity';
import type { DeploymentPlan } from '../contract/types.js';
import { pluginNotices } from './plan-check.js';
import type { PlanPolicyVerdict } from '../contract/policy-verdict.js';
import { checkPlanAgainstPolicy, effectiveApprovalPolicy, servicePolicyFor } from './policy-rules.js';
import { DEFAULT_POLICY, type WorkerPolicy } from './policy-schema.js';

export function createPolicyActivities(policy: WorkerPolicy = DEFAULT_POLICY) {
  async function checkPlanPolicy(plan: DeploymentPlan): Promise<PlanPolicyVerdict> {
    const { approval, at } = servicePolicyFor(policy, plan.service);
    for (const notice of pluginNotices(plan)) log.warn(`plan of ${plan.service}: ${notice}`);
    return {
      problems: checkPlanAgainstPolicy(plan, policy),
      approval: effectiveApprovalPolicy(plan.approval, approval, at).approval,
    };
  }
  return { checkPlanPolicy };
}
