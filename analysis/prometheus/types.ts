// The check a named Prometheus metric becomes for one color (the analysis seam's CheckPlan).
import type { Color } from '../../contract/types.js';
import type { MetricPlan } from '../metric-plan.js';
import type { CheckPlanBase } from '../types.js';

/** What a metric check reads and for whom: the metric's plan and the placeholders' values. */
export interface MetricCheckFields<S extends { type: string }> {
  metric: MetricPlan<S>;
  /** The color judged ({{color}}). */
  color: Color;
  /** The color serving users (the `compare` side). */
  liveColor: Color;
  service: string;
  sha: string;
}

/** A PromQL instant query judged against bounds (analysis/prometheus). */
export interface PrometheusCheckPlan extends CheckPlanBase, MetricCheckFields<PrometheusSource> {
  provider: 'prometheus';
}

/** A metric's source on Prometheus: an instant query at `url` (bluegreen.yaml `prometheus:`). */
export interface PrometheusSource {
  type: 'prometheus';
  url: string;
  query: string;
  headers?: Record<string, string>;
}
