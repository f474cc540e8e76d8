// The `route53` traffic switch: the weights of the public name's two weighted record sets in a
// Route 53 hosted zone (AWS SDK v3), waiting for INSYNC. Its manifest, loaded in the workflow
// sandbox too: the step is imported; client part, activities and worker part where they run.
import { defineSwitch } from '../switch-type.js';
import { switchViaRoute53 } from './step.js';

export const route53Switch = defineSwitch({
  type: 'route53',
  step: switchViaRoute53,
  client: () => import(/* webpackIgnore: true */ './client.js').then((m) => m.route53SwitchClient),
  activities: () => import(/* webpackIgnore: true */ './activities.js').then((m) => m.createRoute53Activities),
  policy: () => import(/* webpackIgnore: true */ './policy.js').then((m) => m.route53SwitchPolicy),
});
