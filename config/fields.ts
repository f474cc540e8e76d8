// The field types bluegreen.yaml is made of (durations, URLs, names, workflow files), shared by
// the config schema and the traffic switches' own schemas (switches/<type>/client.ts). Pure zod,
// no Node built-ins.
import { z } from 'zod';

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

/** A duration up to `max`; `why` follows the too-long message (e.g. ": GitHub's limit"). */
export const duration = (max = '30d', why = '') =>
  z.string({ error: 'expected a duration like "30s", "15m" or "24h"' }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration: use a number and a unit, like "30s", "15m" or "24h"`,
      });
      return z.NEVER;
    }
    if (ms > parseDuration(max)!) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is longer than the maximum of ${max}${why}` });
      return z.NEVER;
    }
    return ms;
  });

export const httpUrl = z
  .string({ error: 'expected a URL like "https://api.example.com"' })
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'expected an http(s) URL like "https://api.example.com"')
  .transform((value) => value.replace(/\/+$/, ''));

export const name = (what: string) =>
  z
    .string({ error: `expected the ${what} as text` })
    .min(1, `the ${what} must not be empty`)
    .max(100, `the ${what} is longer than 100 characters`);

export const workflowFile = z
  .string({ error: 'expected a workflow file name like "deploy-green.yml"' })
  .regex(/^[\w.-]+\.ya?ml$/, 'expected a workflow file name ending in .yml or .yaml, like "deploy-green.yml"');

/** A rule for one typed value (a flag, an answer): the cleaned value, or it throws the field's first message. */
export const checkedBy =
  (schema: z.ZodType<unknown, string>) =>
  (value: string): string => {
    const result = schema.safeParse(value);
    if (result.success) return String(result.data);
    throw new Error(result.error.issues[0]?.message ?? 'not valid');
  };
