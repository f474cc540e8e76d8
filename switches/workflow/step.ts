// The `workflow` switch's step: dispatch the switch workflow with the color and wait for its
// run (the switch phase hands it runGitHubWorkflow, which finishes the phase when the run fails).
// With `steps`, the `weight` input says how much of the traffic `color` gets (0..100).
import { switchInputs } from '../../contract/dispatch-inputs.js';
import type { SwitchStep } from '../switch-type.js';
import type { WorkflowSwitchPlan } from './types.js';

export const switchViaWorkflow: SwitchStep<WorkflowSwitchPlan> = async (
  _ctx,
  _phase,
  sw,
  color,
  { runGitHubWorkflow },
  percent,
) => {
  await runGitHubWorkflow({
    workflow: sw.workflow,
    ref: sw.ref,
    // The weight input only for a plan with steps: its workflow declares it (GitHub refuses undeclared inputs).
    inputs: (id) => switchInputs(id, color, sw.steps ? percent : undefined),
    // Named by its file: "dns-update.yml switch run ended failure at job …".
    what: `${sw.workflow} switch`,
  });
  return {};
};
