// Deployment plans for the lab, built the way an operator's bluegreen.yaml would be: the
// lab's example config with overrides, parsed and validated by the real config loader.
import { stringify } from 'yaml';
import { parseConfigText } from '../../client/config.js';
import { resolvePlan } from '../../client/plan.js';
import type { DeploymentPlan } from '../../contract/types.js';

export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/** The lean deployment of the benches: no approval gate, a zero monitor window, one verify probe. */
export const LEAN: Record<string, unknown> = {
  approval: { required: false },
  monitor: { duration: 0, interval: '250ms', failureThreshold: 3 },
  verify: { successes: 1, interval: '200ms', timeout: '30s' },
  sync: { enabled: false },
};

export function planFrom(config: Record<string, unknown>, overrides: Record<string, unknown> = {}): DeploymentPlan {
  const merged = deepMerge(config, overrides);
  const parsed = parseConfigText(stringify(merged), `${String(merged['service'])}.yaml`);
  return resolvePlan(parsed, { requestedBy: 'bench' });
}
