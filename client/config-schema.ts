// The bluegreen.yaml schema (zod). Strict objects: an unknown key is an error, so a typo
// never passes silently. Durations are strings like "500ms", "5s", "15m", "24h".
import { z } from 'zod';
import { duration, httpUrl, name, workflowFile } from '../config/fields.js';
import { approvalSection } from './approval-config-schema.js';
import { dnsSection } from './dns-config-schema.js';
import { freezesList, onFailureSection, switchWindowsList } from '../config/resilience-schema.js';
import { switchConfigSchema } from '../switches/client.js';
import { HOOK_PLACEHOLDER_PATTERN, HOOK_PLACEHOLDERS } from '../contract/dispatch-inputs.js';
import { analysisSchemas } from './analysis-schema.js';
import { notifySection } from './notify-config-schema.js';

export { parseDuration } from '../config/fields.js';

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

// Named metrics and where they run: client/analysis-schema.ts.
const analysis = analysisSchemas({ duration, httpUrl, workflowFile, branch: name('branch name') });

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
    .strictObject({
      runTimeout: duration('6h').prefault('30m'),
      pollInterval: duration('5m').prefault('3s'),
      /**
       * How long a dispatch whose answer was lost (5xx, reset, timeout) looks for its run before
       * sending it again. Longer than GitHub's listing lag, or a second run is dispatched (and
       * cancelled); costs this much only when a dispatch really was lost. @default the worker's
       * (`dispatchWindowMs`, 90 s)
       */
      dispatchWindow: duration('30m', ' (the worker cuts longer windows)')
        .pipe(z.number().min(1_000, 'the dispatch window must be at least "1s"'))
        .optional(),
    })
    .prefault({}),
  switch: switchConfigSchema.optional(),
  dns: dnsSection.optional(),
  /** Named metrics (Prometheus or JSON) that verify.analysis and monitor.analysis refer to. */
  metrics: analysis.metrics.optional(),
  verify: z
    .strictObject({
      healthPath: z.string().startsWith('/', 'the path must start with "/"').default('/health'),
      successes: z.int().min(1).max(100).default(3),
      interval: duration('1h').prefault('5s'),
      timeout: duration('6h').prefault('5m'),
      /** Metric analysis of the target color after the health checks, before approval. */
      analysis: analysis.verifyAnalysis.optional(),
      /** GitHub Actions test workflows run against the target color, beside the analysis. @default [] */
      tests: analysis.tests.optional(),
    })
    .prefault({}),
  approval: approvalSection,
  monitor: z
    .strictObject({
      duration: z.union([z.literal(0), duration('30d')]).prefault('15m'),
      interval: duration('1h').prefault('30s'),
      failureThreshold: z.int().min(1).max(1000).default(3),
      /** Metric analysis of the new color beside the probes; consecutive failures roll back. */
      analysis: analysis.monitorAnalysis.optional(),
      /**
       * The hot standby: the old color's health and color endpoints probed in the monitor's rounds
       * (monitor, traffic steps, bake), so a rollback goes back to a color known to be healthy; an
       * unhealthy one holds the rollback until a person decides. Trades a probe of the old color
       * per round for never switching back blind.
       * @example { probe: true, failures: 3, askTimeout: "30m" }
       */
      standby: z
        .strictObject({
          /** Probe the old color. @default true */
          probe: z.boolean().default(true),
          /** Failed probe rounds in a row that make the old color unhealthy. @default 3 */
          failures: z.int().min(1).max(1000).default(3),
          /** How long a held rollback waits for `rollback` (switch anyway) or `abort` (keep traffic) before ending FAILED. @default "30m" */
          askTimeout: duration('30d').prefault('30m'),
        })
        .prefault({}),
    })
    .prefault({}),
  sync: z
    .strictObject({
      enabled: z.boolean().default(true),
      redeploy: z.boolean().default(true),
    })
    .prefault({}),
  bake: z
    .strictObject({
      /**
       * How long after the monitor window the old color stays untouched (the deployment waits
       * in phase `bake`, where `rollback` switches back at once and `promote` ends it). Trades a
       * longer-running deployment for an instant way back; formerly `sync.after`.
       * @default 0 (sync at once) @example "2h"
       */
      duration: z.union([z.literal(0), duration('30d')]).prefault(0),
    })
    .prefault({}),
  /** Per step, what a failure does: `fail` (default) or `ask` (wait for retry/abort). See docs/resilience.md. */
  onFailure: onFailureSection(duration),
  /** When the switch may happen (deploy and verify run any time); the worker policy's windows apply too. @default [] (any time) */
  windows: switchWindowsList,
  /** When no switch happens, with the reason shown to whoever waits; the worker policy's freezes apply too. @default [] */
  freezes: freezesList,
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
