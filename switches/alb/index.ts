// The `alb` traffic switch: weighted target groups in an Application Load Balancer listener rule's
// forward action (AWS SDK v3). Its manifest, loaded in the workflow sandbox too: the step is
// imported, the client part (zod), the activities and the worker part (Node, AWS SDK) are loaded
// only where they run.
import { defineSwitch } from '../switch-type.js';
import { switchViaAlb } from './step.js';

export const albSwitch = defineSwitch({
  type: 'alb',
  step: switchViaAlb,
  client: () => import(/* webpackIgnore: true */ './client.js').then((m) => m.albSwitchClient),
  activities: () => import(/* webpackIgnore: true */ './activities.js').then((m) => m.createAlbActivities),
  policy: () => import(/* webpackIgnore: true */ './policy.js').then((m) => m.albSwitchPolicy),
});
