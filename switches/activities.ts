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
  /** Each type's own options beyond the credentials, e.g. `{ dns: { resolvers } }`. @default each type's defaults */
  types?: SwitchTypeOptions;
}

export function createSwitchTypeActivities(options: SwitchActivityOptions = {}): SwitchActivities {
  const { types, ...credentials } = options;
  const byType = FACTORIES.map(([type, factory]): [string, object] => [
    type,
    factory?.({ ...(types as Partial<Record<SwitchType, object>> | undefined)?.[type], ...credentials }) ?? {},
  ]);
  return mergeSwitchActivities(byType) as SwitchActivities;
}

/** The activities of every type in one object; two types registering one name is refused at worker start. */
export function mergeSwitchActivities(byType: [type: string, activities: object][]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const registeredBy = new Map<string, string>();
  for (const [type, own] of byType) {
    for (const [name, activity] of Object.entries(own)) {
      // One name, one activity: the workflow's proxies call activities by name.
      const other = registeredBy.get(name);
      if (other) throw new Error(`switch types "${other}" and "${type}" both register an activity named ${name}`);
      registeredBy.set(name, type);
      merged[name] = activity;
    }
  }
  return merged;
}
