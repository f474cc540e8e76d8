// The parts of a plan that plug-ins define, as slots the plug-ins fill by declaration merging, so
// the contract names no plug-in while a plan still carries exactly the registered types: each
// switch type's folder adds its plan to SwitchPlans (switches/<type>/types.ts; switches/registry.ts
// checks the slot and its list agree), and analysis/registry.ts fills `check` and `metricSource`
// from its providers.

/** One entry per switch type: its `type` and its plan. */
export interface SwitchPlans {}

/** Filled by analysis/registry.ts. */
export interface RegisteredPlans {}

/** How traffic moves: one plan type per registered switch type. */
export type SwitchPlan = SwitchPlans[keyof SwitchPlans];
/** A check, told apart by its provider: one plan type per registered analysis provider. */
export type CheckPlan = RegisteredPlans['check'];
/** Where a metric's number comes from: one variant per registered metric source. */
export type MetricSource = RegisteredPlans['metricSource'];
