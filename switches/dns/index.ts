// The `dns` traffic switch: an RFC 2136 dynamic update of `dns.record`, signed with
// TSIG (docs/dns.md). Its manifest, loaded in the workflow sandbox too: the step is imported, the
// client part (zod) and the activities (Node: DNS sockets) are loaded only where they run.
import { defineSwitch } from '../switch-type.js';
import { switchDnsRecord } from './step.js';

export const dnsSwitch = defineSwitch({
  type: 'dns',
  step: switchDnsRecord,
  client: () => import(/* webpackIgnore: true */ './client.js').then((m) => m.dnsSwitchClient),
  activities: () => import(/* webpackIgnore: true */ './activities.js').then((m) => m.createDnsActivities),
  policy: () => import(/* webpackIgnore: true */ './policy.js').then((m) => m.dnsSwitchPolicy),
});
