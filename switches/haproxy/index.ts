// The `haproxy` traffic switch: server weights of a backend through HAProxy's Runtime API socket.
// Its manifest, loaded in the workflow sandbox too: the step is imported; client part, activities
// (Node: a unix socket) and worker part where they run.
import { defineSwitch } from '../switch-type.js';
import { switchViaHaproxy } from './step.js';

export const haproxySwitch = defineSwitch({
  type: 'haproxy',
  step: switchViaHaproxy,
  client: () => import(/* webpackIgnore: true */ './client.js').then((m) => m.haproxySwitchClient),
  activities: () => import(/* webpackIgnore: true */ './activities.js').then((m) => m.createHaproxyActivities),
  policy: () => import(/* webpackIgnore: true */ './policy.js').then((m) => m.haproxySwitchPolicy),
});
