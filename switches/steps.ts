// The traffic switch types, workflow side: each type's step, one line per type. Apart from
// switches/registry.ts (client side: config schemas, plan mapping, dry-run text) so the workflow
// bundle carries no config code or zod: every workflow context holds its own copy of the bundle.
// The mapped type makes tsc refuse this table until every type of the registry has its line.
import type { SwitchPlan } from '../workflows/types.js';
import { switchDnsRecord } from './dns/step.js';
import { switchViaHttp } from './http/step.js';
import type { SwitchStep } from './switch-type.js';
import { switchViaWorkflow } from './workflow/step.js';

type Steps = { [T in SwitchPlan['type']]: SwitchStep<Extract<SwitchPlan, { type: T }>> };

export const SWITCH_STEPS: Steps = { workflow: switchViaWorkflow, http: switchViaHttp, dns: switchDnsRecord };

/** The step of a plan's switch type. */
export const stepOf = <P extends SwitchPlan>(plan: P): SwitchStep<P> => SWITCH_STEPS[plan.type] as unknown as SwitchStep<P>;
