// The bluegreen.yaml schema (zod). Strict objects: an unknown key is an error, so a typo
// never passes silently. Durations are strings like "500ms", "5s", "15m", "24h".
import { z } from 'zod';
import { dnsSection, switchDns } from './dns-config-schema.js';
import { HOOK_PLACEHOLDER_PATTERN, HOOK_PLACEHOLDERS } from '../workflows/dispatch-inputs.js';
import { notifySection, notifyChannelName } from './notify-config-schema.js';

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

const duration = (max = '30d') =>
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
      ctx.addIssue({ code: 'custom', message: `"${text}" is longer than the maximum of ${max}` });
      return z.NEVER;
    }
    return ms;
  });

const httpUrl = z
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

const name = (what: string) =>
  z
    .string({ error: `expected the ${what} as text` })
    .min(1, `the ${what} must not be empty`)
    .max(100, `the ${what} is longer than 100 characters`);

const workflowFile = z
  .string({ error: 'expected a workflow file name like "deploy-green.yml"' })
  .regex(/^[\w.-]+\.ya?ml$/, 'expected a workflow file name ending in .yml or .yaml, like "deploy-green.yml"');

const environment = z.strictObject({
  branch: name('branch name'),
  url: httpUrl,
  deployWorkflow: workflowFile,
});

const hook = z.strictObject({
  name: z
    .string({ error: 'expected a hook name' })
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'hook names are lowercase letters, digits and dashes, like "migrate-expand"'),
  workflow: workflowFile,
  ref: name('branch name').optional(),
  inputs: z
    .record(
      z.string(),
      z.string({ error: 'hook inputs are strings' }).superRefine((value, ctx) => {
        for (const [, placeholder] of value.matchAll(new RegExp(HOOK_PLACEHOLDER_PATTERN.source, 'g'))) {
          if (!(HOOK_PLACEHOLDERS as readonly string[]).includes(placeholder!)) {
            ctx.addIssue({
              code: 'custom',
              message: `unknown placeholder {{${placeholder}}}: use ${HOOK_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
            });
          }
        }
      }),
    )
    .default({}),
});

const switchWorkflow = z.strictObject({
  type: z.literal('workflow').default('workflow'),
  workflow: workflowFile.default('dns-update.yml'),
  ref: name('branch name').optional(),
  verifyTimeout: duration('2h').prefault('10m'),
});

const switchHttp = z.strictObject({
  type: z.literal('http'),
  url: httpUrl,
  tokenEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, like "ROUTER_TOKEN"')
    .default('BLUEGREEN_ROUTER_TOKEN'),
  verifyTimeout: duration('2h').prefault('10m'),
});

export const configSchema = z.strictObject({
  service: z
    .string({ error: 'expected the service name, like "datatruck-api"' })
    .regex(
      /^[a-z0-9][a-z0-9._-]{0,62}$/,
      'service names are lowercase letters, digits, ".", "_" and "-" (at most 63), like "datatruck-api"',
    ),
  github: z.strictObject({
    owner: name('repository owner'),
    repo: name('repository name'),
    baseUrl: httpUrl.optional(),
  }),
  publicUrl: httpUrl,
  colorPath: z.string().startsWith('/', 'the path must start with "/"').default('/deployment/color/'),
  environments: z.strictObject({ green: environment, blue: environment }),
  deploy: z
    .strictObject({ runTimeout: duration('6h').prefault('30m'), pollInterval: duration('5m').prefault('3s') })
    .prefault({}),
  switch: z.discriminatedUnion('type', [switchWorkflow, switchHttp, switchDns(duration)]).optional(),
  dns: dnsSection.optional(),
  verify: z
    .strictObject({
      healthPath: z.string().startsWith('/', 'the path must start with "/"').default('/health'),
      successes: z.int().min(1).max(100).default(3),
      interval: duration('1h').prefault('5s'),
      timeout: duration('6h').prefault('5m'),
    })
    .prefault({}),
  approval: z
    .strictObject({
      required: z.boolean().default(true),
      approvers: z.array(name('approver name')).max(100).default([]),
      timeout: duration('30d').prefault('24h'),
      /** Re-send approval-waiting to its channels this often while the gate waits (e.g. "1h"). @default no reminders */
      remindEvery: duration('7d').optional(),
      /** After this long at the gate, tell `escalateTo` (once). @default no escalation */
      escalateAfter: duration('30d').optional(),
      /** Channels (names from the worker policy) that hear of an approval left waiting `escalateAfter`. @default none */
      escalateTo: z.array(notifyChannelName).min(1).max(8).optional(),
    })
    .prefault({}),
  monitor: z
    .strictObject({
      duration: z.union([z.literal(0), duration('30d')]).prefault('15m'),
      interval: duration('1h').prefault('30s'),
      failureThreshold: z.int().min(1).max(1000).default(3),
    })
    .prefault({}),
  sync: z.strictObject({ enabled: z.boolean().default(true), redeploy: z.boolean().default(true) }).prefault({}),
  rollback: z.strictObject({ automatic: z.boolean().default(true) }).prefault({}),
  hooks: z.strictObject({ preSwitch: z.array(hook).default([]), postSync: z.array(hook).default([]) }).prefault({}),
  notify: notifySection,
  timeouts: z
    .strictObject({
      heartbeat: duration('10m')
        .prefault('20s')
        .refine((ms) => ms >= 1000, 'the heartbeat timeout must be at least "1s"'),
    })
    .prefault({}),
});

export type BlueGreenConfigInput = z.input<typeof configSchema>;
export type BlueGreenConfig = z.output<typeof configSchema>;
