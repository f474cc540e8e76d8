// Helpers of the DNS tests: skip with the reason when Knot DNS is missing, plans whose switch
// replaces the lab's, and a worker whose environment holds the TSIG secret.
import { inject } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigText } from '../../client/config.js';
import { resolvePlan } from '../../client/plan.js';
import type { Lab } from '../../lab/index.js';
import type { DeploymentPlan } from '../../workflows/types.js';
import { startTestWorker } from './harness.js';
import { deepMerge } from './lab-deployments.js';

/** Why the DNS tests cannot run ('' when they can). */
export const knotMissing = (): string => inject('knotMissing');

/** vitest's describe.skipIf with the reason printed once. */
export function dnsTestsSkipped(file: string): boolean {
  const missing = knotMissing();
  if (missing) console.warn(`${file}: skipped: ${missing}`);
  return missing !== '';
}

/**
 * A plan for the lab's example config with `overrides` deep-merged in, except `switch`, which
 * replaces the example's (a dns switch has none of the workflow switch's keys).
 */
export function dnsLabPlan(lab: Lab, service: string, overrides: Record<string, unknown>): DeploymentPlan {
  const { switch: sw, ...rest } = overrides;
  const example = deepMerge(deepMerge(lab.exampleConfig(service), { deploy: { pollInterval: '100ms', runTimeout: '2m' } }), rest);
  if (sw !== undefined) example['switch'] = sw;
  return resolvePlan(parseConfigText(stringify(example), `${service}.yaml`), { requestedBy: 'test' });
}

/** A worker with the real activities, the TSIG secret in its environment and quick DNS timeouts. */
export async function startDnsWorker(lab: Lab, taskQueue: string, env: Record<string, string>): Promise<() => Promise<void>> {
  const { stop } = await startTestWorker(taskQueue, {
    token: lab.token,
    env,
    retries: 2,
    writeSpacingMs: 0,
    dns: { queryTimeoutMs: 500 },
  });
  return stop;
}
