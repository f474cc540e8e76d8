// The traffic switch types: one line per type, its manifest (switches/<type>/index.ts). Everything
// else follows from this list: the `SwitchPlan` type and the step of a plan (here, for the
// workflow), the config union, its error text, plan mapping and dry run (switches/client.ts, CLI),
// the switch activities and their types (switches/activities.ts, activity-types.ts; worker).
// Loaded in the workflow sandbox: the manifests import only their steps (switches/switch-type.ts).
import { albSwitch } from './alb/index.js';
import { dnsSwitch } from './dns/index.js';
import { haproxySwitch } from './haproxy/index.js';
import { httpSwitch } from './http/index.js';
import { route53Switch } from './route53/index.js';
import type { SwitchStep } from './switch-type.js';
import type { SwitchPlan as ContractSwitchPlan } from '../contract/plugin-plans.js';
import { workflowSwitch } from './workflow/index.js';

export const SWITCHES = [workflowSwitch, httpSwitch, dnsSwitch, albSwitch, route53Switch, haproxySwitch] as const;

/** How traffic moves: one plan type per switch type (switches/<type>/types.ts), the one its step takes. */
export type SwitchPlan = Parameters<(typeof SWITCHES)[number]['step']>[2];
export type SwitchType = SwitchPlan['type'];

/** Each listed type's folder adds its plan to the contract's SwitchPlans, and no other folder does. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const SWITCH_PLANS_MATCH_THE_LIST: Same<SwitchPlan, ContractSwitchPlan> = true;

/** The registered switch of a plan's or config's type. */
export function switchTypeOf<T extends string>(type: T) {
  const found = SWITCHES.find((s) => s.type === type);
  if (!found) throw new Error(`unknown switch type "${type}": known are ${SWITCHES.map((s) => s.type).join(', ')}`);
  return found;
}

/** The step of a plan's switch type. */
export const stepOf = <P extends SwitchPlan>(plan: P): SwitchStep<P> => switchTypeOf(plan.type).step as unknown as SwitchStep<P>;
