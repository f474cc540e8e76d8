// What a traffic switch type is, in three parts registered apart: its client side, one object per
// type (switches/<type>/index.ts: config schema, plan mapping, dry-run text; switches/registry.ts);
// its workflow step (switches/<type>/step.ts; switches/steps.ts), which the workflow bundle loads
// without the config code (zod); its activities (switches/activities.ts), which use Node and only
// the worker loads. Type-only imports.
import type { z } from 'zod';
import type { PhaseContext } from '../workflows/phases/context.js';
import type { Color, DeploymentPlan } from '../workflows/types.js';

/** What every switch plan carries: its type and how long the public endpoint may take to follow. */
export interface SwitchPlanBase {
  type: string;
  verifyTimeoutMs: number;
}

/** What a switch step tells the checks after it. */
export interface SwitchStepResult {
  /** TTL (s) of the DNS answer the switch replaced: how long resolvers may keep the old one. */
  replacedTtlSeconds?: number;
}

/**
 * Moves traffic to `color` (workflow code: deterministic, the world only through activities).
 * Any failure is a DeploymentStop: the switch phase then reads where traffic is and decides.
 */
export type SwitchStep<P extends SwitchPlanBase> = (
  ctx: PhaseContext,
  phase: 'switch' | 'rollback',
  plan: P,
  color: Color,
) => Promise<SwitchStepResult>;

export interface TrafficSwitch<P extends SwitchPlanBase = SwitchPlanBase, S extends z.ZodType = z.ZodType> {
  type: P['type'];
  /** For the `switch` config error: `type "http" (with url)`. */
  summary: string;
  /** The `switch:` config section of this type (a strict object with a `type` literal). */
  schema: S;
  /** The plan the workflow gets; `defaultRef` is the branch workflows run on by default. */
  toPlan: (config: z.output<S>, defaults: { defaultRef: string }) => P;
  /** The dry-run line, e.g. `POST https://router/switch`. */
  describe: (plan: P, deployment: DeploymentPlan) => string;
  /** Config rules across sections (e.g. the dns switch needs the dns section). */
  configProblems?: (config: { dns?: unknown }) => { path: string; message: string }[];
}

/** Declares a switch type; the generics tie its schema, plan and step together. */
export const defineSwitch = <P extends SwitchPlanBase, S extends z.ZodType>(
  definition: TrafficSwitch<P, S>,
): TrafficSwitch<P, S> => definition;
