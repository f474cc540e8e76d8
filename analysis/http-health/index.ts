// The http-health provider: a check passes when its URL answers 2xx in time (no redirects
// followed, a fresh connection each time, like a load balancer's health check).
import { probeGet } from '../../activities/http-probe.js';
import { urlCheckPolicy } from '../check-policy.js';
import { defineProvider, measurement } from '../provider.js';
import type { HttpHealthCheckPlan } from '../types.js';

export const httpHealthProvider = defineProvider<HttpHealthCheckPlan>({
  provider: 'http-health',
  policy: urlCheckPolicy<HttpHealthCheckPlan>('http-health', {}),
  async measure(check, { timeoutMs }) {
    const answer = await probeGet(check.url, timeoutMs);
    return answer.ok
      ? measurement({
          check: check.name,
          verdict: 'pass',
          value: answer.value.status,
          reason: `${check.name}: HTTP ${answer.value.status}`,
          query: check.url,
        })
      : measurement({ check: check.name, verdict: 'fail', reason: `${check.name}: ${answer.reason}`, query: check.url });
  },
});
