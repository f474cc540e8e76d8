// The Prometheus source of the metric analysis: fills the PromQL placeholders and runs one
// instant query at the pinned time. The worker adds headers from its policy (secrets never
// travel in the plan); plain headers from bluegreen.yaml (e.g. a tenant id) come along.
import type { SourceOptions, SourceReader } from '../metric-measure.js';
import { fillPlaceholders } from '../metric-plan.js';
import { planHeaders } from '../metric-headers.js';
import { graphLink, queryInstant } from './query.js';

export function prometheusReader(options: SourceOptions = {}): SourceReader {
  return async (source, values, timeMs) => {
    if (source.type !== 'prometheus') throw new Error(`prometheusReader cannot read a ${source.type} source`);
    const query = fillPlaceholders(source.query, values);
    const answer = await queryInstant({
      url: source.url,
      query,
      timeMs,
      headers: { ...planHeaders(source.headers), ...options.headersFor?.(source.url) },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.redact ? { redact: options.redact } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    });
    return { answer, resolved: query, link: graphLink(source.url, query, timeMs) };
  };
}
