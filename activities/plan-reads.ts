// The plan phase's reads in one activity, one round trip instead of three (each round trip is an
// activity and a workflow task: BENCHMARKS.md sections 1 and 5). The plan is checked against the
// worker's policy first, and nothing else is read when the policy refuses it (no request carries
// a credential before); then the public color, and the two branch heads side by side.
import { keepAlive } from './heartbeat.js';
import type { CoreActivities, PlanReads, ReadPlanInput } from './types.js';
import { targetColorOf } from '../contract/types.js';

type Parts = Pick<CoreActivities, 'checkPlanPolicy' | 'readActiveColor' | 'readBranchHead'>;

export function createPlanReadActivities(parts: Parts) {
  async function readPlan({ plan }: ReadPlanInput): Promise<PlanReads> {
    const policy = await parts.checkPlanPolicy(plan);
    if (policy.problems.length > 0) return { allowed: false, policy };
    const active = await parts.readActiveColor({ url: plan.publicUrl + plan.colorPath });
    const target = targetColorOf(plan, active);
    if (target === active) return { allowed: true, policy, active };
    const head = (branch: string) => parts.readBranchHead({ github: plan.github, branch });
    // The live color's head is for `bluegreen revert` only: a failure to read it costs nothing else.
    const [sha, previousSha] = await Promise.all([
      plan.revert?.sha ?? head(plan.environments[target].branch),
      head(plan.environments[active].branch).catch(() => undefined),
    ]);
    return { allowed: true, policy, active, sha, ...(previousSha ? { previousSha } : {}) };
  }
  return { readPlan: (input: ReadPlanInput) => keepAlive(() => readPlan(input)) };
}
