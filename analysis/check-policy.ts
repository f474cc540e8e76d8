// The worker parts the analysis providers share (contract/plugin.ts): the plan schemas of a check
// and of a metric source, re-validated by the worker, and what they fetch. A provider's own
// policy.ts builds its parts from these; a provider with rules of its own adds them there.
import { z } from 'zod';
import { definePolicyPart, type Bounds, type PlanTouches } from '../contract/plugin.js';

const httpUrl = z
  .string()
  .max(2048)
  .refine((url) => /^https?:\/\//i.test(url), 'expected an http(s) URL');
const headers = z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name'), z.string().max(500));

/** What every check carries. */
export const checkBase = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'expected a check name (lowercase letters, digits, dashes)'),
  onInconclusive: z.enum(['pass', 'fail', 'ignore']).optional(),
};

/** A check's old word for an inconclusive reading that counts neither way (now: no onInconclusive). */
const inconclusiveNotices = (check: object, at: string): string[] =>
  (check as { onInconclusive?: unknown }).onInconclusive === 'ignore'
    ? [
        `${at}.onInconclusive: "ignore" is now written by leaving onInconclusive out (an inconclusive reading counts neither way; pass and fail count it as such, as for metrics): it still reads, a later release drops it`,
      ]
    : [];

/** A metric source's fields every provider shares: a URL template and plain headers. */
export const sourceFields = { url: httpUrl, headers: headers.optional() };
export { httpUrl };

const fetches = (urls: string[]): PlanTouches => ({ urls, credentials: [], targets: [] });

/** The worker part of a check that fetches one URL (`url`). */
export const urlCheckPolicy = <C extends { url: string }>(type: string, shape: z.ZodRawShape) =>
  definePolicyPart<C>()({
    type,
    plan: z.strictObject({ provider: z.literal(type), ...checkBase, url: httpUrl, ...shape }),
    bounds: {} as Bounds,
    problems: () => [],
    notices: inconclusiveNotices,
    touches: (check) => fetches([check.url]),
  });

/** The worker part of a metric source that fetches `url` (placeholders left in). */
export const metricSourcePolicy = <S extends { type: string; url: string }>(type: S['type'], shape: z.ZodRawShape) =>
  definePolicyPart<S>()({
    type,
    plan: z.strictObject({ type: z.literal(type), ...sourceFields, ...shape }),
    bounds: {} as Bounds,
    problems: () => [],
    touches: (source) => fetches([source.url]),
  });

/** The worker part of a metric check in `plan.checks` (its metric's source is checked as a source). */
export const metricCheckPolicy = <C extends { metric: { source: { url: string } } }>(
  type: string,
  aliases: readonly string[] = [],
) =>
  definePolicyPart<C>()({
    type,
    aliases,
    notices: inconclusiveNotices,
    plan: z.looseObject({
      provider: z.literal([type, ...aliases]),
      ...checkBase,
      metric: z.looseObject({ source: z.looseObject({ url: httpUrl }) }),
    }),
    bounds: {} as Bounds,
    problems: () => [],
    touches: (check) => fetches([check.metric.source.url]),
  });
