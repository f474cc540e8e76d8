// The analysis providers: one line per provider (analysis/<provider>/index.ts). Activity side
// (providers use the network); the check types they measure are in analysis/types.ts.
import { colorProvider } from './color/index.js';
import { httpHealthProvider } from './http-health/index.js';
import { jsonMetricProvider } from './json-metric/index.js';
import { prometheusProvider } from './prometheus/index.js';
import type { AnalysisProvider } from './provider.js';
import type { CheckPlan } from './types.js';

export const PROVIDERS = [httpHealthProvider, colorProvider, prometheusProvider, jsonMetricProvider] as const;

/** The provider of a check; a check no provider knows is a bug in the plan (non-retryable upstream). */
export function providerOf<C extends CheckPlan>(check: C): AnalysisProvider<C> | undefined {
  return PROVIDERS.find((p) => p.provider === check.provider) as AnalysisProvider<C> | undefined;
}
