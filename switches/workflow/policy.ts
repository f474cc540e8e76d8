// The `workflow` switch's worker part (manifest in ./index.ts): it dispatches a GitHub Actions
// workflow in the plan's repository, which the policy's `github` section already decides; it
// owns no policy section of its own.
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import type { WorkflowSwitchPlan } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';
import { stepsBounds, stepsPlanFields } from '../steps-fields.js';

export const workflowSwitchPolicy = definePolicyPart<WorkflowSwitchPlan>()({
  type: 'workflow',
  plan: z.strictObject({
    type: z.literal('workflow'),
    workflow: z.string().regex(/^[\w.-]+\.ya?ml$/, 'expected a workflow file name like "dns-update.yml"'),
    ref: z.string().min(1).max(255),
    verifyTimeoutMs: z.int().min(0),
    ...stepsPlanFields,
  }),
  bounds: {
    maxVerifyTimeoutMs,
    ...stepsBounds,
  },
  problems: () => [],
  touches: (step, { plan }) => ({
    urls: [],
    credentials: [],
    targets: [`github workflow ${plan.github.owner}/${plan.github.repo}/${step.workflow}@${step.ref}`],
  }),
});
