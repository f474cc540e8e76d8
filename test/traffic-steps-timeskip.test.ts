// Progressive traffic (switch.steps) on the time-skipping test server, with recorded activity
// results (test/support/time-skipping.ts): each step's weight goes out as the switch workflow's
// `weight` input, so the dispatches are the weight sequence. A step advances only when its
// analysis (the monitor's checks for the step pause) passes; promote skips ahead to 100; a
// rollback request or a failed step returns all traffic to the old color at once (or down the
// steps with `rollback: ramp`).
import { describe, expect } from 'vitest';
import type { DispatchWorkflowInput } from '../activities/types.js';
import type { MonitorChecksInput, MonitorChecksResult } from '../analysis/types.js';
import { abortSignal, promoteSignal, rollbackSignal } from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { ACTIVE, it, phaseOf, phaseStates, untilCancelled, type Deployment } from './support/time-skipping.js';

const STEPS = {
  switch: { steps: [10, 50, 100], stepPause: '5m' },
  monitor: { duration: '15m' },
  approval: { approvers: ['alice'] },
};
const MINUTES_5 = 300_000;

/** The switch workflow's dispatches as `<color> <weight>`, in order (the weight sequence). */
const weights = (d: Deployment) =>
  d
    .inputsOf('dispatchWorkflow')
    .filter((i: DispatchWorkflowInput) => i.workflow === 'dns-update.yml')
    .map((i: DispatchWorkflowInput) => `${i.inputs['color']} ${i.inputs['weight'] ?? '(none)'}`);

const healthy = (input: MonitorChecksInput): MonitorChecksResult => ({
  verdict: 'healthy',
  rounds: Math.max(1, Math.floor(input.durationMs / input.intervalMs)),
  failedRounds: 0,
  checks: [],
});
const unhealthy: MonitorChecksResult = {
  verdict: 'unhealthy',
  rounds: 4,
  failedRounds: 3,
  checks: [],
  lastFailure: 'GET /health answered 503',
};

/** The monitor's checks per call: the `n`-th (1-based) answers `nth(n)`, the others healthy. */
const monitorCalls = (nth: (n: number, input: MonitorChecksInput) => Promise<MonitorChecksResult> | undefined) => {
  let n = 0;
  return async (input: MonitorChecksInput) => nth(++n, input) ?? healthy(input);
};
const stepping = (percent: number) => (s: DeploymentStatus) => s.phase === 'switch' && s.weight?.percent === percent;

describe('switch.steps', () => {
  it('each step is written, sampled and analysed for the pause, then the next: 10 → 50 → 100, SUCCEEDED', async ({ deploy }) => {
    const d = await deploy(STEPS);
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(weights(d)).toEqual(['green 10', 'green 50', 'green 100']);
    // Two step windows of the pause, then the monitor window at 100 %.
    expect(d.inputsOf('monitorChecks').map((i) => i.durationMs)).toEqual([MINUTES_5, MINUTES_5, 900_000]);
    expect(d.inputsOf('samplePublicShare').map((i) => `${i.color} ${i.percent}`)).toEqual(['green 10', 'green 50']);
    // Each dispatch has its own correlation id (none adopts an earlier step's run).
    const ids = d.inputsOf('dispatchWorkflow').map((i) => i.correlationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(status.weight).toMatchObject({ color: 'green', percent: 100, step: 3, steps: 3 });
    expect(phaseStates(status)).toMatchObject({ switch: 'succeeded', monitor: 'succeeded', sync: 'succeeded' });
  });

  it('a step whose analysis fails returns all traffic to the old color at once: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy(STEPS, { monitorChecks: monitorCalls((n) => (n === 2 ? Promise.resolve(unhealthy) : undefined)) });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(weights(d)).toEqual(['green 10', 'green 50', `${ACTIVE} 100`]);
    expect(phaseOf(status, 'switch')).toMatchObject({ state: 'failed' });
    expect(phaseOf(status, 'switch').detail).toMatch(/^step 2 of 3 \(green 50 %\): 3 consecutive failures on .*503$/);
    expect(phaseStates(status)).toMatchObject({ monitor: 'skipped', rollback: 'succeeded', sync: 'skipped' });
    expect(status.weight).toMatchObject({ color: ACTIVE, percent: 100 });
  });

  it('a share on the public endpoint outside the tolerance fails the step: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy(STEPS, {
      samplePublicShare: async () => ({ ok: false, share: 100, counts: { blue: 0, green: 40, failed: 0 }, samplesTaken: 3 }),
    });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(weights(d)).toEqual(['green 10', `${ACTIVE} 100`]);
    expect(phaseOf(status, 'switch').detail).toMatch(
      /^step 1 of 3: the public endpoint gave green 100 % of its answers, not 10 % ± 10/,
    );
    expect(d.inputsOf('monitorChecks')).toEqual([]);
  });

  it('promote during a step skips ahead to 100 %; the monitor window then runs: SUCCEEDED', async ({ deploy }) => {
    const d = await deploy(STEPS, { monitorChecks: monitorCalls((n) => (n === 1 ? untilCancelled() : undefined)) });
    await d.statusWhen(stepping(10));
    await d.called('monitorChecks');
    await d.handle.signal(promoteSignal, { by: 'alice' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(weights(d)).toEqual(['green 10', 'green 100']);
    expect(phaseOf(status, 'switch').detail).toContain('promoted from 10 % to 100 % by alice');
    // The promote was spent on the steps: the monitor window ran its whole duration.
    expect(phaseOf(status, 'monitor').detail).toMatch(/^healthy for 15m/);
  });

  it('a rollback request during step two returns all traffic at once: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy(STEPS, { monitorChecks: monitorCalls((n) => (n === 2 ? untilCancelled() : undefined)) });
    await d.statusWhen(stepping(50));
    await d.called('monitorChecks', 2);
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'errors at 50 %' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.error).toBe('rollback requested by alice: errors at 50 %');
    expect(weights(d)).toEqual(['green 10', 'green 50', `${ACTIVE} 100`]);
    expect(phaseOf(status, 'switch').state).toBe('cancelled');
  });

  it('abort between two steps takes all traffic back at once, worded as the abort: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy(STEPS, { monitorChecks: monitorCalls((n) => (n === 2 ? untilCancelled() : undefined)) });
    await d.statusWhen(stepping(50));
    await d.called('monitorChecks', 2);
    await d.handle.signal(abortSignal, { by: 'alice', reason: 'wrong build at 50 %' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.error).toBe('abort requested by alice: wrong build at 50 % (at step 2 of 3)');
    expect(weights(d)).toEqual(['green 10', 'green 50', `${ACTIVE} 100`]);
    expect(status.weight).toMatchObject({ color: ACTIVE, percent: 100 });
    expect(status.ignoredSignals ?? []).toEqual([]);
  });

  it('rollback: ramp goes down the steps before the old color gets all traffic back', async ({ deploy }) => {
    const d = await deploy(
      { ...STEPS, switch: { ...STEPS.switch, steps: [10, 30, 60, 100], rollback: 'ramp' } },
      { monitorChecks: monitorCalls((n) => (n === 3 ? Promise.resolve(unhealthy) : undefined)) },
    );
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(weights(d)).toEqual(['green 10', 'green 30', 'green 60', 'green 30', 'green 10', `${ACTIVE} 100`]);
  });
});
