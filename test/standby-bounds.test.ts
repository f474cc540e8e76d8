// The worker's bounds on the hot standby of a plan someone started by hand on the task queue: the
// failures that make the old color unhealthy and how long a held rollback waits are held to the
// policy's limits.maxFailureThreshold and limits.maxWaitMs, like the monitor's own. Pure: no server.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import type { DeploymentPlan } from '../contract/types.js';
import { planBoundProblems } from '../worker/plan-check.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { MINIMAL_CONFIG } from './support/configs.js';

const DAY_MS = 24 * 3_600_000;
const base = (): DeploymentPlan =>
  resolvePlan(parseConfigText(stringify(MINIMAL_CONFIG), 'bluegreen.yaml'), { requestedBy: 'alice' });
const withStandby = (standby: Record<string, unknown>): DeploymentPlan => {
  const plan = base();
  return { ...plan, monitor: { ...plan.monitor, standby: { ...plan.monitor.standby, ...standby } } } as DeploymentPlan;
};

describe("the worker's bounds on monitor.standby of a hand-made plan", () => {
  it('a config-made plan passes', () => {
    expect(planBoundProblems(base(), parseWorkerPolicy('{}', 'policy'))).toEqual([]);
  });

  it('a held rollback waiting longer than maxWaitMs, or failures past maxFailureThreshold, are refused by name', () => {
    const problems = planBoundProblems(
      withStandby({ askTimeoutMs: 365 * DAY_MS, failures: 5_000 }),
      parseWorkerPolicy('{}', 'policy'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^monitor\.standby\.failures is 5000, above the maximum of 1000 .*limits\.maxFailureThreshold/),
      expect.stringMatching(
        /^monitor\.standby\.askTimeoutMs is 31536000000, above the maximum of 2592000000 .*limits\.maxWaitMs/,
      ),
    ]);
  });

  it('a value that is not a finite number is refused', () => {
    expect(planBoundProblems(withStandby({ askTimeoutMs: 'forever' }), parseWorkerPolicy('{}', 'policy'))).toEqual([
      'monitor.standby.askTimeoutMs is not a finite number',
    ]);
  });
});
