// switch.steps as bluegreen.yaml and the worker's plan check read them: increasing, ending at
// 100, on a switch type that can split traffic, no more of them than the worker's per-type bound
// (limits.switches.<type>.maxSteps). Pure: no server.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { pluginProblems } from '../worker/plan-check.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { trafficLine } from '../views/traffic-weight.js';
import { MINIMAL_CONFIG } from './support/configs.js';

const configWith = (sw: Record<string, unknown>) => stringify({ ...MINIMAL_CONFIG, switch: sw });
const problemsOf = (sw: Record<string, unknown>): string[] => {
  try {
    parseConfigText(configWith(sw), 'bluegreen.yaml');
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe('switch.steps in bluegreen.yaml', () => {
  it('a valid list becomes the plan with its pause, rollback mode and tolerance', () => {
    const config = parseConfigText(
      configWith({ type: 'workflow', steps: [10, 50, 100], stepPause: '2m', rollback: 'ramp', shareTolerance: 5 }),
      'bluegreen.yaml',
    );
    const plan = resolvePlan(config, { requestedBy: 'alice' });
    expect(plan.switch).toMatchObject({ steps: [10, 50, 100], stepPauseMs: 120_000, rollbackMode: 'ramp', shareTolerance: 5 });
  });

  it('without steps the plan has none (all traffic at once)', () => {
    const plan = resolvePlan(parseConfigText(configWith({ type: 'workflow' }), 'bluegreen.yaml'), { requestedBy: 'alice' });
    expect(plan.switch).not.toHaveProperty('steps');
  });

  it('steps that do not increase, or do not end at 100, are refused naming the step', () => {
    expect(problemsOf({ type: 'workflow', steps: [10, 10, 100] })).toEqual([
      'switch.steps: steps.1: each step must be larger than the one before (10 then 10)',
    ]);
    expect(problemsOf({ type: 'workflow', steps: [10, 50] })).toEqual([
      'switch.steps: steps: the last step must be 100 (all traffic), got 50',
    ]);
    expect(problemsOf({ type: 'workflow', steps: [0.5, 100] })).toEqual([
      'switch.steps: steps.0: expected a whole percentage from 1 to 100, got 0.5',
    ]);
  });

  it('a switch type that moves all traffic at once refuses steps, saying which types can', () => {
    const problems = problemsOf({ type: 'http', url: 'https://router.example.com/switch', steps: [50, 100] });
    expect(problems.join('\n')).toContain('steps need alb, route53, haproxy or workflow');
  });
});

describe("the worker's bound on steps", () => {
  const plan = (steps: number[]) =>
    resolvePlan(parseConfigText(configWith({ type: 'workflow', steps }), 'bluegreen.yaml'), { requestedBy: 'alice' });
  const many = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100];

  it('by default at most 10 steps per plan', () => {
    expect(pluginProblems(plan([10, 50, 100]), parseWorkerPolicy('{}', 'policy'))).toEqual([]);
    expect(pluginProblems(plan(many), parseWorkerPolicy('{}', 'policy'))).toEqual([
      'switch.steps.length is 12, above the maximum of 10 the worker allows for traffic steps of a progressive switch (limits.switches.workflow.maxSteps in the worker policy)',
    ]);
  });

  it('limits.switches.<type>.maxSteps sets another bound for that type', () => {
    const policy = parseWorkerPolicy('limits: { switches: { workflow: { maxSteps: 2 } } }', 'policy');
    expect(pluginProblems(plan([10, 50, 100]), policy)).toEqual([
      'switch.steps.length is 3, above the maximum of 2 the worker allows for traffic steps of a progressive switch (limits.switches.workflow.maxSteps in the worker policy)',
    ]);
  });

  it('a plan made by hand with steps that do not end at 100 is refused by the worker too', () => {
    const bad = { ...plan([10, 50, 100]) };
    bad.switch = { ...bad.switch, steps: [10, 50] };
    expect(pluginProblems(bad, parseWorkerPolicy('{}', 'policy'))).toContain(
      'switch.steps: steps: the last step must be 100 (all traffic), got 50',
    );
  });
});

describe('the traffic line (CLI status and live view, Web UI details)', () => {
  const since = '2026-12-07T00:00:00.000Z';
  it('says the split, the step and the share the public endpoint answered', () => {
    expect(trafficLine({ weight: { color: 'green', percent: 50, step: 2, steps: 3, sampled: 48, since } })).toBe(
      'Traffic: green 50 %, blue 50 % (step 2 of 3; the public endpoint answered green 48 %)',
    );
    expect(trafficLine({ weight: { color: 'green', percent: 100, step: 3, steps: 3, since } })).toBe(
      'Traffic: all on green (step 3 of 3)',
    );
  });
  it('is absent before traffic moved and for a switch that moved it all at once', () => {
    expect(trafficLine({})).toBeUndefined();
    expect(trafficLine({ weight: { color: 'blue', percent: 100, since } })).toBeUndefined();
  });
});
