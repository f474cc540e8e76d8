// bluegreen.yaml: a named metric read from any JSON endpoint, its `json:` key: GET a URL, take
// the number at a JSON pointer. For Datadog, CloudWatch or an in-house endpoint, without code.
//
//   metrics:
//     p95-latency:
//       json:
//         url: "https://metrics.internal/api/p95?service={{service}}&color={{color}}&window={{window}}"
//         pointer: /data/0/value          # RFC 6901, or $.data[0].value
//       traffic: { url: "https://metrics.internal/api/rps?color={{color}}", pointer: /value, min: 1 }
import { z } from 'zod';
import { defineMetricConfig, plainHeaders } from '../metric-config.js';
import { METRIC_PLACEHOLDERS, METRIC_PLACEHOLDER_PATTERN } from '../metric-plan.js';
import { pointerSegments } from './read.js';
import type { JsonSource } from './types.js';

export const jsonPointer = z
  .string({ error: 'expected a JSON pointer like "/data/0/value" or "$.data[0].value"' })
  .superRefine((pointer, ctx) => {
    try {
      pointerSegments(pointer);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** A URL template: placeholders are checked, then the URL with them filled in must parse. */
export const urlTemplate = z
  .string({ error: 'expected a URL like "https://metrics.internal/api?color={{color}}"' })
  .superRefine((template, ctx) => {
    for (const [, name] of template.matchAll(new RegExp(METRIC_PLACEHOLDER_PATTERN.source, 'g'))) {
      if (!(METRIC_PLACEHOLDERS as readonly string[]).includes(name!)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {{${name}}}: use ${METRIC_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
        });
      }
    }
    try {
      const url = new URL(template.replace(new RegExp(METRIC_PLACEHOLDER_PATTERN.source, 'g'), 'x'));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL like "https://metrics.internal/api?color={{color}}"' });
    }
  });

export const jsonConfig = defineMetricConfig<JsonSource>()({
  summary: 'json: { url, pointer }',
  schema: z.strictObject({
    url: urlTemplate,
    pointer: jsonPointer,
    /** Plain request headers; credentials come from the worker's policy. @default {} */
    headers: plainHeaders.optional(),
  }),
  fields: {},
  trafficFields: {
    /** The URL of the requests per second (placeholders filled in). */
    url: urlTemplate.optional(),
    /** Where the number is in its answer. */
    pointer: jsonPointer.optional(),
  },
  problems: ({ traffic }) =>
    traffic && (traffic.url === undefined || traffic.pointer === undefined)
      ? [{ path: ['traffic'], message: 'the traffic guard of a json metric needs url and pointer' }]
      : [],
  toSource: ({ source, traffic }, of) => ({
    type: 'json',
    url: of === 'traffic' ? traffic!.url! : source.url,
    pointer: of === 'traffic' ? traffic!.pointer! : source.pointer,
    ...(source.headers ? { headers: source.headers } : {}),
  }),
  describe: (source) => `GET ${source.url}, the number at ${source.pointer}`,
});
