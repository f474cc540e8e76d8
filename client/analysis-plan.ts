// The plan fields of the metric analysis and verify.tests: bluegreen.yaml's named
// metrics resolved into the plain-data MetricPlan / AnalysisPlan the workflow carries. The
// config was validated by client/analysis-schema.ts before; this only maps it (each source by its
// registered provider's config part, client/metric-sources.ts).
import type { AnalysisPlan, InconclusivePolicy, MetricPlan } from '../analysis/metric-plan.js';
import type { DeploymentPlan } from '../contract/types.js';
import type { MetricsConfig, MonitorAnalysisConfig, VerifyAnalysisConfig, VerifyTestsConfig } from './analysis-schema.js';
import { metricSourcePlan } from './metric-sources.js';

export function metricPlan(name: string, m: MetricsConfig[string]): MetricPlan {
  return {
    name,
    source: metricSourcePlan(m),
    window: m.window,
    unit: m.unit,
    pass: m.pass,
    ...(m.fail ? { fail: m.fail } : {}),
    noData: m.noData,
    ...(m.traffic ? { traffic: { source: metricSourcePlan(m, 'traffic'), min: m.traffic.min } } : {}),
    ...(m.compare ? { compare: { maxRatio: m.compare.maxRatio, allowance: m.compare.allowance } } : {}),
  };
}

function inconclusivePolicy(a: VerifyAnalysisConfig | MonitorAnalysisConfig): InconclusivePolicy {
  return a.onInconclusive === 'ask'
    ? { action: 'ask', timeoutMs: a.ask.timeout, default: a.ask.default }
    : { action: a.onInconclusive };
}

/** The plan of one analysis block (metrics resolved by name; cross-checked before). */
export function analysisPlan(metrics: MetricsConfig | undefined, a: VerifyAnalysisConfig | MonitorAnalysisConfig): AnalysisPlan {
  return {
    metrics: a.metrics.map((name) => metricPlan(name, metrics![name]!)),
    count: 'count' in a ? a.count : 0,
    intervalMs: a.interval,
    initialDelayMs: a.initialDelay,
    // The plan keeps one field: a total for verify, failures in a row for monitor (contract/metric-tally.ts).
    failureLimit: 'failureThreshold' in a ? a.failureThreshold : a.failureLimit,
    onInconclusive: inconclusivePolicy(a),
  };
}

interface AnalysisConfigView {
  metrics?: MetricsConfig | undefined;
  verify: { analysis?: VerifyAnalysisConfig | undefined; tests?: VerifyTestsConfig | undefined };
  monitor: { analysis?: MonitorAnalysisConfig | undefined };
}

/** The metric analysis and verify.tests plan fields, only when configured (plans without them replay unchanged). */
export function analysisPlanFields(
  config: AnalysisConfigView,
  defaultRef: string,
): Pick<DeploymentPlan, 'analysis' | 'verifyTests'> {
  const verify = config.verify.analysis ? analysisPlan(config.metrics, config.verify.analysis) : undefined;
  const monitor = config.monitor.analysis ? analysisPlan(config.metrics, config.monitor.analysis) : undefined;
  const tests = (config.verify.tests ?? []).map((t) => ({
    name: t.name ?? t.workflow.replace(/\.ya?ml$/, ''),
    workflow: t.workflow,
    ref: t.ref ?? defaultRef,
    inputs: t.inputs,
    timeoutMs: t.timeout,
  }));
  return {
    ...(verify || monitor ? { analysis: { ...(verify ? { verify } : {}), ...(monitor ? { monitor } : {}) } } : {}),
    ...(tests.length > 0 ? { verifyTests: tests } : {}),
  };
}
