// The analysis providers: one line per provider (analysis/<provider>/index.ts). Activity side
// (providers use the network). Everything else derives from this list: the check types
// (`CheckPlan`, analysis/types.ts), the metric source types (`MetricSource`, metric-plan.ts), which
// provider reads a metric source, bluegreen.yaml's `metrics.<name>` keys, plan mapping and dry run
// (client/analysis-schema.ts, client/analysis-plan.ts) and the worker's plan check (worker/plugins.ts).
import { colorProvider } from './color/index.js';
import { httpHealthProvider } from './http-health/index.js';
import { jsonProvider } from './json/index.js';
import { prometheusProvider } from './prometheus/index.js';
import type { AnalysisProvider, MetricSourceManifest } from './provider.js';

export const PROVIDERS = [httpHealthProvider, colorProvider, prometheusProvider, jsonProvider] as const;

type Provider = (typeof PROVIDERS)[number];
/** A check, told apart by its provider. */
export type RegisteredCheck = Parameters<Provider['measure']>[0];
/** A metric source, told apart by its type. */
export type RegisteredSource = Provider extends infer P ? (P extends AnalysisProvider<any, infer S> ? S : never) : never;

declare module '../contract/plugin-plans.js' {
  interface RegisteredPlans {
    check: RegisteredCheck;
    metricSource: RegisteredSource;
  }
}

const isAlias = (provider: { aliases?: readonly string[] }, name: string) => provider.aliases?.includes(name) === true;

/** The provider of a check; a check no provider knows is refused (non-retryable upstream). */
export function providerOf<C extends { provider: string }>(check: C): AnalysisProvider<any> | undefined {
  return PROVIDERS.find((p) => p.provider === check.provider || isAlias(p, check.provider)) as AnalysisProvider<any> | undefined;
}

/** The provider that reads a metric source type; none for a type no provider registered. */
export const metricProviderOf = (sourceType: string): AnalysisProvider<any, any> | undefined =>
  PROVIDERS.find((p) => 'source' in p && p.source?.type === sourceType) as AnalysisProvider<any, any> | undefined;

/** The metric sources the providers read, in registry order. */
export const METRIC_SOURCES: readonly MetricSourceManifest[] = PROVIDERS.flatMap((p) =>
  'source' in p && p.source ? [p.source as unknown as MetricSourceManifest] : [],
);

/** The registered metric source types, e.g. for error texts. */
export const METRIC_SOURCE_TYPES = METRIC_SOURCES.map((s) => s.type);

/** The registered source of a type; none for a type no provider registered. */
export const metricSourceOf = (type: string): MetricSourceManifest | undefined => METRIC_SOURCES.find((s) => s.type === type);
