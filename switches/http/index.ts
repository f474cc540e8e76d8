// The `http` traffic switch (app-based blue/green): the app router's switch endpoint. Its
// manifest, loaded in the workflow sandbox too: the step is imported, the client part (zod) and
// the activity (Node: fetch with the router's token) are loaded only where they run.
import { defineSwitch } from '../switch-type.js';
import { switchViaHttp } from './step.js';

export const httpSwitch = defineSwitch({
  type: 'http',
  step: switchViaHttp,
  client: () => import(/* webpackIgnore: true */ './client.js').then((m) => m.httpSwitchClient),
  activities: () => import(/* webpackIgnore: true */ './activities.js').then((m) => m.createSwitchActivities),
  policy: () => import(/* webpackIgnore: true */ './policy.js').then((m) => m.httpSwitchPolicy),
});
