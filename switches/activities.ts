// The switch types' activities, for the worker. Apart from switches/registry.ts because they
// use Node (fetch with tokens, DNS sockets) and the registry is loaded in the workflow sandbox.
// A new switch type with activities adds its factory here.
import { createDnsActivities, type DnsActivityOptions } from './dns/activities.js';
import { createSwitchActivities } from './http/activities.js';
import type { SwitchCredentialOptions } from './credentials.js';

export interface SwitchActivityOptions extends SwitchCredentialOptions {
  /** Resolvers and timeouts of the DNS switch and verification. */
  dnsOptions?: Omit<DnsActivityOptions, keyof SwitchCredentialOptions>;
}

export function createSwitchTypeActivities(options: SwitchActivityOptions = {}) {
  const { dnsOptions, ...credentials } = options;
  return { ...createSwitchActivities(credentials), ...createDnsActivities({ ...dnsOptions, ...credentials }) };
}
