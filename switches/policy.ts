// The traffic switch types' worker parts (switches/<type>/policy.ts), loaded once from the
// manifests in switches/registry.ts (the list; nothing to add here): the policy sections they own
// and their plan rules, which worker/policy-schema.ts and worker/plan-check.ts compose. Not
// loaded by the workflow bundle.
import type { SectionsOf } from '../contract/plugin.js';
import { SWITCHES } from './registry.js';

type PartsOf<T extends readonly { policy: () => Promise<unknown> }[]> = {
  -readonly [K in keyof T]: Awaited<ReturnType<T[K]['policy']>>;
};

/** Every type's worker part, in registry order. */
export const SWITCH_POLICIES = (await Promise.all(SWITCHES.map((s) => s.policy()))) as unknown as PartsOf<typeof SWITCHES>;

/** The worker policy sections the switch types own, by key (`routers`, `dns`). */
export const SWITCH_POLICY_SECTIONS = Object.fromEntries(
  SWITCH_POLICIES.flatMap((p) => (p.policy ? [[p.policy.key, p.policy.section]] : [])),
) as SectionsOf<typeof SWITCH_POLICIES>;
