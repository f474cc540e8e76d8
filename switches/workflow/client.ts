// The `workflow` traffic switch's client part (manifest in ./index.ts): config section, plan
// mapping, dry-run text. The default: a GitHub Actions workflow moves traffic.
//   switch: { type: workflow, workflow: dns-update.yml, ref: main, verifyTimeout: 10m }
import { z } from 'zod';
import { checkedBy, duration, name, workflowFile } from '../../config/fields.js';
import { SWITCH_INPUT_NAMES, SWITCH_WEIGHT_INPUT } from '../../contract/dispatch-inputs.js';
import { defineSwitchClient } from '../switch-type.js';
import { stepsConfigFields, stepsPlan } from '../steps-fields.js';
import type { WorkflowSwitchPlan } from './types.js';

export const workflowSwitchClient = defineSwitchClient({
  summary: 'type "workflow" (with workflow, ref)',
  schema: z.strictObject({
    type: z.literal('workflow').default('workflow'),
    workflow: workflowFile.default('dns-update.yml'),
    ref: name('branch name').optional(),
    verifyTimeout: duration('2h').prefault('10m'),
    ...stepsConfigFields,
  }),
  toPlan: (sw, { defaultRef }): WorkflowSwitchPlan => ({
    type: 'workflow',
    workflow: sw.workflow,
    ref: sw.ref ?? defaultRef,
    verifyTimeoutMs: sw.verifyTimeout,
    ...stepsPlan(sw),
  }),
  describe: (sw) => `dispatch ${sw.workflow} on ${sw.ref}`,
  // With switch.steps the workflow is dispatched once per step, with the `weight` input too.
  dispatches: (sw) =>
    sw.workflow && sw.ref
      ? {
          workflow: sw.workflow,
          ref: sw.ref,
          sends: sw.steps?.length ? [...SWITCH_INPUT_NAMES, SWITCH_WEIGHT_INPUT] : SWITCH_INPUT_NAMES,
          ...(sw.steps?.length ? { steps: sw.steps } : {}),
        }
      : undefined,
  init: {
    label: 'workflow (a GitHub workflow, e.g. DNS Update)',
    flags: [
      {
        flags: '--switch-workflow <file>',
        description: 'the traffic switch workflow (default: found by file and name)',
        check: checkedBy(workflowFile),
      },
      {
        flags: '--switch-ref <branch>',
        description: 'branch the switch workflow runs on (default: the blue branch)',
        question: 'Branch the switch workflow runs on',
        fallback: 'blue-branch',
        check: checkedBy(name('branch name')),
      },
    ],
    dispatches: { ref: '--switch-ref', file: '--switch-workflow' },
    config: (answers, chosen) => ({ type: 'workflow' as const, workflow: chosen.workflow, ref: answers['--switch-ref'] }),
  },
});
