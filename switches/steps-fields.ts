// The config and plan fields of progressive traffic (switch.steps), spread into the `switch:`
// schema and the plan schema of every type that can split traffic, and its per-type bound.
//   switch:
//     type: alb
//     steps: [10, 50, 100]     # percent of the traffic to the new color, step by step
//     stepPause: 5m            # each step below 100 held and analysed this long
//     rollback: ramp           # down the steps; default instant: all traffic back at once
//     shareTolerance: 10       # percentage points the public endpoint's sampled share may be off
import { z } from 'zod';
import { duration } from '../config/fields.js';
import type { Bound } from '../contract/plugin.js';
import { DEFAULT_MAX_STEPS, stepsProblems, type TrafficStepsPlan } from './steps.js';

const stepList = z
  .array(z.number({ error: 'expected a percentage' }), { error: 'expected a list of percentages, e.g. [10, 50, 100]' })
  .superRefine((steps, ctx) => {
    for (const message of stepsProblems(steps)) ctx.addIssue({ code: 'custom', message });
  });

/** The `switch:` fields (config): spread into a type's strictObject. */
export const stepsConfigFields = {
  steps: stepList.optional(),
  stepPause: duration('7d').optional(),
  rollback: z
    .enum(['instant', 'ramp'], { error: 'expected instant (all traffic back at once) or ramp (down the steps)' })
    .optional(),
  shareTolerance: z.int().min(0).max(50).optional(),
};

type StepsConfig = {
  steps?: number[] | undefined;
  stepPause?: number | undefined;
  rollback?: 'instant' | 'ramp' | undefined;
  shareTolerance?: number | undefined;
};

/** The plan part from the config fields; nothing when no steps are asked for. */
export function stepsPlan(sw: StepsConfig): TrafficStepsPlan {
  if (!sw.steps) return {};
  return {
    steps: sw.steps,
    stepPauseMs: sw.stepPause ?? 300_000,
    rollbackMode: sw.rollback ?? 'instant',
    ...(sw.shareTolerance !== undefined ? { shareTolerance: sw.shareTolerance } : {}),
  };
}

/** The plan fields (the worker re-validates an untrusted plan with them). */
export const stepsPlanFields = {
  steps: z
    .array(z.number())
    .max(1000)
    .superRefine((steps, ctx) => {
      for (const message of stepsProblems(steps)) ctx.addIssue({ code: 'custom', message });
    })
    .optional(),
  stepPauseMs: z.int().min(0).optional(),
  rollbackMode: z.enum(['instant', 'ramp']).optional(),
  shareTolerance: z.int().min(0).max(50).optional(),
};

/** The per-type bound on how many steps a plan may ask for (limits.switches.<type>.maxSteps). */
export const stepsBounds = {
  maxSteps: {
    field: 'steps.length',
    limit: 'max',
    default: DEFAULT_MAX_STEPS,
    what: 'traffic steps of a progressive switch',
  },
  maxStepPauseMs: {
    field: 'stepPauseMs',
    limit: 'max',
    default: 7 * 24 * 3_600_000,
    what: 'how long each traffic step is held and analysed (ms)',
  },
} as const satisfies Record<string, Bound>;

/** For the types that cannot split traffic: `steps` is refused with what to use instead. */
export const noStepsFields = {
  steps: z
    .never({ error: 'this switch type moves all traffic at once: steps need alb, route53, haproxy or workflow' })
    .optional(),
};
