// The check a named JSON metric becomes for one color (the analysis seam's CheckPlan).
import type { MetricCheckFields } from '../prometheus/types.js';
import type { CheckPlanBase } from '../types.js';

/** A number at a JSON pointer of an HTTP answer, judged against bounds (analysis/json). */
export interface JsonCheckPlan extends CheckPlanBase, MetricCheckFields<JsonSource> {
  provider: 'json';
}

/** GET `url` (placeholders filled in, URL-encoded), then the number at `pointer` (RFC 6901). */
export interface JsonSource {
  type: 'json';
  url: string;
  pointer: string;
  headers?: Record<string, string>;
}
