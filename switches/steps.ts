// Progressive traffic (switch.steps): the plan part every switch type that can split traffic
// carries, and the pure rules over it. Workflow-safe: types and plain functions only.
/** The plan part of a progressive switch; absent `steps`: all traffic at once. */
export interface TrafficStepsPlan {
  /** Percent of the traffic the new color gets at each step: increasing, the last one 100. */
  steps?: number[];
  /** How long each step below 100 is held and analysed with the monitor's checks and metrics (ms). */
  stepPauseMs?: number;
  /** How a rollback from a partial step returns: all at once (the default) or down the steps. */
  rollbackMode?: 'instant' | 'ramp';
  /** How far (percentage points) the share sampled on the public endpoint may be from a step's weight. */
  shareTolerance?: number;
}

/** The fewest samples of the public endpoint per step (the share is read from at least these). */
export const SHARE_SAMPLES = 40;
/** @default 10 percentage points */
export const DEFAULT_SHARE_TOLERANCE = 10;
/** How many steps a plan may ask for unless the worker's policy says otherwise. */
export const DEFAULT_MAX_STEPS = 10;

/** Every problem of a list of steps, one sentence each (the config and the worker check it alike). */
export function stepsProblems(steps: readonly number[]): string[] {
  const problems: string[] = [];
  if (steps.length === 0) return ['steps: expected at least one step, e.g. [10, 50, 100]'];
  for (const [i, s] of steps.entries()) {
    if (!Number.isInteger(s) || s < 1 || s > 100)
      problems.push(`steps.${i}: expected a whole percentage from 1 to 100, got ${s}`);
    else if (i > 0 && s <= steps[i - 1]!)
      problems.push(`steps.${i}: each step must be larger than the one before (${steps[i - 1]} then ${s})`);
  }
  if (steps.at(-1) !== 100) problems.push(`steps: the last step must be 100 (all traffic), got ${steps.at(-1)}`);
  return problems;
}

/** The steps a rollback ramps down through from `percent` (the new color's share): lower steps, then 0. */
export function rampDown(steps: readonly number[], percent: number): number[] {
  return [...steps.filter((s) => s < percent).reverse(), 0];
}
