// The traffic switch types, client side: one line per type. A type's config schema, plan mapping
// and dry-run text come from its folder, switches/<type>/index.ts; the config union, its error
// text, the plan, the dry run and the `SwitchPlan` type all read this list. The workflow bundle
// does not load it (zod, config code): the steps are listed in switches/steps.ts, which tsc keeps
// complete against this list, and the activities in switches/activities.ts (worker only).
import { z } from 'zod';
import { orList } from '../workflows/format.js';
import type { SwitchPlan } from '../workflows/types.js';
import { dnsSwitch } from './dns/index.js';
import { httpSwitch } from './http/index.js';
import type { SwitchPlanBase, TrafficSwitch } from './switch-type.js';
import { workflowSwitch } from './workflow/index.js';

export const SWITCHES = [workflowSwitch, httpSwitch, dnsSwitch] as const;

type Schemas<T extends readonly { schema: z.ZodType }[]> = { -readonly [K in keyof T]: T[K]['schema'] };

/** The `switch:` section of bluegreen.yaml: one of the registered types, told apart by `type`. */
export const switchConfigSchema = z.discriminatedUnion(
  'type',
  SWITCHES.map((s) => s.schema) as unknown as Schemas<typeof SWITCHES>,
);
export type SwitchConfig = z.output<typeof switchConfigSchema>;

/** The switch when bluegreen.yaml has no `switch:` section. */
export const DEFAULT_SWITCH_CONFIG: SwitchConfig = { type: 'workflow', workflow: 'dns-update.yml', verifyTimeout: 600_000 };

/** The config error for a `switch:` section that matches no type. */
export const SWITCH_UNION_HINT = `expected ${orList(SWITCHES.map((s) => s.summary))}`;

/** The registered switch of a plan's or config's type. */
export function switchOf<P extends SwitchPlanBase>(type: P['type']): TrafficSwitch<P, z.ZodType> {
  const found = SWITCHES.find((s) => s.type === type);
  if (!found) throw new Error(`unknown switch type "${type}": known are ${SWITCHES.map((s) => s.type).join(', ')}`);
  return found as unknown as TrafficSwitch<P, z.ZodType>;
}

export const switchPlanOf = (config: SwitchConfig, defaultRef: string): SwitchPlan =>
  switchOf(config.type).toPlan(config, { defaultRef }) as SwitchPlan;

/** Config rules across sections that the switch types declare. */
export const switchConfigProblems = (config: { switch?: { type: string } | undefined; dns?: unknown }) =>
  config.switch ? (switchOf(config.switch.type).configProblems?.(config) ?? []) : [];
