// The `workflow` traffic switch (the default): a GitHub Actions workflow moves traffic. Its
// manifest, loaded in the workflow sandbox too: the step is imported, the client part (zod) is
// loaded only by the CLI. No activities of its own (it dispatches through the GitHub ones).
import { defineSwitch } from '../switch-type.js';
import { switchViaWorkflow } from './step.js';

export const workflowSwitch = defineSwitch({
  type: 'workflow',
  step: switchViaWorkflow,
  client: () => import(/* webpackIgnore: true */ './client.js').then((m) => m.workflowSwitchClient),
  policy: () => import(/* webpackIgnore: true */ './policy.js').then((m) => m.workflowSwitchPolicy),
});
