// The traffic switch types, client side: each registered type's client part (switches/<type>/client.ts),
// loaded once from the manifests in switches/registry.ts (the list; nothing to add here). The config
// union, its error text, plan mapping and dry run read them. Not loaded by the workflow bundle.
import { z } from 'zod';
import { orList } from '../contract/format.js';
import { SWITCHES, switchTypeOf, type SwitchPlan } from './registry.js';
import type { SwitchClient, SwitchPlanBase } from './switch-type.js';

type ClientsOf<T extends readonly { client: () => Promise<unknown> }[]> = {
  -readonly [K in keyof T]: Awaited<ReturnType<T[K]['client']>>;
};
type Clients = ClientsOf<typeof SWITCHES>;

/** Every type's client part, in registry order. */
const CLIENTS = (await Promise.all(SWITCHES.map((s) => s.client()))) as unknown as Clients;

type Schemas<T extends readonly { schema: z.ZodType }[]> = { -readonly [K in keyof T]: T[K]['schema'] };

/** The `switch:` section of bluegreen.yaml: one of the registered types, told apart by `type`. */
export const switchConfigSchema = z.discriminatedUnion('type', CLIENTS.map((c) => c.schema) as unknown as Schemas<Clients>);
export type SwitchConfig = z.output<typeof switchConfigSchema>;

/** The switch when bluegreen.yaml has no `switch:` section. */
export const DEFAULT_SWITCH_CONFIG: SwitchConfig = { type: 'workflow', workflow: 'dns-update.yml', verifyTimeout: 600_000 };

/** The registered type names, for "did you mean …". */
export const SWITCH_TYPES: readonly string[] = SWITCHES.map((s) => s.type);

/** The config error for a `switch:` section that matches no type. */
export const SWITCH_UNION_HINT = `expected ${orList(CLIENTS.map((c) => c.summary))}`;

/** The client part of a plan's or config's switch type. */
export function switchOf<P extends SwitchPlanBase>(type: P['type']): SwitchClient<P, z.ZodType> {
  return CLIENTS[SWITCHES.indexOf(switchTypeOf(type))] as unknown as SwitchClient<P, z.ZodType>;
}

export const switchPlanOf = (config: SwitchConfig, defaultRef: string): SwitchPlan =>
  switchOf(config.type).toPlan(config, { defaultRef }) as SwitchPlan;

/** Config rules across sections that the switch types declare. */
export const switchConfigProblems = (config: { switch?: { type: string } | undefined; dns?: unknown }) =>
  config.switch ? (switchOf(config.switch.type).configProblems?.(config) ?? []) : [];
