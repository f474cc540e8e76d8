// The color provider: a check passes when its URL names the expected color
// (`{"color": "green"}`): the environment or the public endpoint is the one we mean.
import { probeColor } from '../../activities/http-probe.js';
import { z } from 'zod';
import { urlCheckPolicy } from '../check-policy.js';
import { defineProvider, measurement } from '../provider.js';
import type { ColorCheckPlan } from '../types.js';

export const colorProvider = defineProvider<ColorCheckPlan>({
  provider: 'color',
  policy: urlCheckPolicy<ColorCheckPlan>('color', { expect: z.enum(['blue', 'green']) }),
  async measure(check, { timeoutMs }) {
    const answer = await probeColor(check.url, timeoutMs);
    const base = { check: check.name, query: check.url };
    if (!answer.ok) return measurement({ ...base, verdict: 'fail', reason: `${check.name}: ${answer.reason}` });
    if (answer.value !== check.expect) {
      return measurement({
        ...base,
        verdict: 'fail',
        reason: `wrong color: ${check.url} answers "${answer.value}", expected "${check.expect}"`,
      });
    }
    return measurement({ ...base, verdict: 'pass', reason: `${check.name}: answers "${answer.value}"` });
  },
});
