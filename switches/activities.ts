// The traffic switch types' activities, worker side: each registered type's factory
// (switches/<type>/activities.ts), loaded once from the manifests in switches/registry.ts (the
// list; nothing to add here). Not loaded by the workflow bundle: the activities use Node (fetch
// with tokens, DNS sockets).
import type { SwitchCredentialOptions } from './credentials.js';
import { SWITCHES, type SwitchType } from './registry.js';
import type { SwitchActivities, SwitchTypeOptions } from './activity-types.js';
import type { SwitchActivityFactory } from './switch-type.js';

/** Every type's factory that has activities, by type. */
const FACTORIES = await Promise.all(
  SWITCHES.map(async (s): Promise<[SwitchType, SwitchActivityFactory | undefined]> => [s.type, await s.activities?.()]),
);

export interface SwitchActivityOptions extends SwitchCredentialOptions {
  /** Each type's own options beyond the credentials, e.g. `{ dns: { resolvers } }`. */
  types?: SwitchTypeOptions;
}

export function createSwitchTypeActivities(options: SwitchActivityOptions = {}): SwitchActivities {
  const { types, ...credentials } = options;
  const activities = FACTORIES.map(([type, factory]) =>
    factory?.({ ...(types as Partial<Record<SwitchType, object>> | undefined)?.[type], ...credentials }),
  );
  return Object.assign({}, ...activities) as SwitchActivities;
}
