// The switch types' activities, for the worker. Apart from switches/registry.ts because they
// use Node (fetch with tokens, DNS sockets) and the registry is loaded in the workflow sandbox.
// A new switch type with activities adds its factory here.
import { createDnsActivities, type DnsActivityOptions } from './dns/activities.js';
import { createSwitchActivities } from './http/activities.js';

export interface SwitchActivityOptions {
  /** Where token and TSIG secret variables are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Resolvers and timeouts of the DNS switch and verification. */
  dnsOptions?: Omit<DnsActivityOptions, 'env'>;
}

export function createSwitchTypeActivities(options: SwitchActivityOptions = {}) {
  const env = options.env ? { env: options.env } : {};
  return { ...createSwitchActivities(env), ...createDnsActivities({ ...options.dnsOptions, ...env }) };
}
