// The bounds of a plan as a whole (the plug-ins declare their own, contract/plugin.ts): how often
// the worker may be made to probe or query, how long a phase may wait, how many hooks, checks,
// metrics and channels one plan may ask for. A plan comes from anyone who can start a workflow on
// the task queue, so each has a safe default; the worker policy's `limits` may set another
// (docs/security.md, "Bounds"). Every figure here is at least as wide as what bluegreen.yaml accepts.
import type { DeploymentPlan } from '../contract/types.js';
import type { Bound } from '../contract/plugin.js';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A bound on the plan as a whole: which numbers of the plan it holds, each with its field. */
export interface PlanBound extends Omit<Bound, 'field'> {
  values: (plan: DeploymentPlan) => Array<{ at: string; value: number | undefined }>;
}

const each = <T>(list: readonly T[] | undefined, at: string, value: (item: T) => number | undefined) =>
  (list ?? []).map((item, i) => ({ at: `${at}.${i}`, value: value(item) }));
const analyses = (plan: DeploymentPlan) =>
  (['verify', 'monitor'] as const).flatMap((phase) => {
    const analysis = plan.analysis?.[phase];
    return analysis ? [{ at: `analysis.${phase}`, analysis }] : [];
  });
const field = (at: string, value: number | undefined) => [{ at, value }];

export const PLAN_BOUNDS = {
  minProbeIntervalMs: {
    limit: 'min',
    default: SECOND,
    what: 'time between health and color probes (ms)',
    values: (p) => [...field('verify.intervalMs', p.verify.intervalMs), ...field('monitor.intervalMs', p.monitor.intervalMs)],
  },
  maxVerifySuccesses: {
    limit: 'max',
    default: 100,
    what: 'probe rounds in a row verify waits for',
    values: (p) => field('verify.successes', p.verify.successes),
  },
  maxPhaseTimeoutMs: {
    limit: 'max',
    default: DAY,
    what: "a phase's timeout (ms)",
    values: (p) => [
      ...field('verify.timeoutMs', p.verify.timeoutMs),
      ...field('deploy.runTimeoutMs', p.deploy.runTimeoutMs),
      ...each(p.verifyTests, 'verifyTests', (t) => t.timeoutMs),
    ],
  },
  minPollIntervalMs: {
    limit: 'min',
    default: SECOND,
    what: 'time between polls of a running GitHub run (ms)',
    values: (p) => field('deploy.pollIntervalMs', p.deploy.pollIntervalMs),
  },
  minDispatchWindowMs: {
    limit: 'min',
    default: SECOND,
    what: 'how long a dispatch whose answer was lost looks for its run before sending it again (ms)',
    values: (p) => field('deploy.dispatchWindowMs', p.deploy.dispatchWindowMs),
  },
  maxDispatchWindowMs: {
    limit: 'max',
    default: 30 * 60 * SECOND,
    what: 'how long a dispatch whose answer was lost looks for its run before sending it again (ms)',
    values: (p) => field('deploy.dispatchWindowMs', p.deploy.dispatchWindowMs),
  },
  maxMonitorDurationMs: {
    limit: 'max',
    // What bluegreen.yaml accepts (monitor.duration ≤ 30d): a valid config is never refused by
    // default; a worker policy's limits may set less.
    default: 30 * DAY,
    what: 'the monitor window (ms)',
    values: (p) => field('monitor.durationMs', p.monitor.durationMs),
  },
  maxFailureThreshold: {
    limit: 'max',
    default: 1000,
    what: 'failing rounds in a row before a rollback',
    values: (p) => [
      ...field('monitor.failureThreshold', p.monitor.failureThreshold),
      ...field('monitor.standby.failures', p.monitor.standby?.failures),
    ],
  },
  maxWaitMs: {
    limit: 'max',
    default: 30 * DAY,
    what: 'how long a deployment waits for a person or bakes (ms)',
    values: (p) => [
      ...field('approval.timeoutMs', p.approval.timeoutMs),
      ...field('sync.afterMs', p.sync.afterMs),
      ...field('monitor.standby.askTimeoutMs', p.monitor.standby?.askTimeoutMs),
      ...Object.entries(p.onFailure ?? {}).map(([step, f]) => ({
        at: `onFailure.${step}.retryTimeoutMs`,
        value: f?.retryTimeoutMs,
      })),
      ...analyses(p).map(({ at, analysis }) => ({
        at: `${at}.onInconclusive.timeoutMs`,
        value: analysis.onInconclusive.action === 'ask' ? analysis.onInconclusive.timeoutMs : undefined,
      })),
    ],
  },
  maxRetries: {
    limit: 'max',
    default: 100,
    what: 'retries of a failed step',
    values: (p) =>
      Object.entries(p.onFailure ?? {}).map(([step, f]) => ({ at: `onFailure.${step}.maxRetries`, value: f?.maxRetries })),
  },
  maxHooks: {
    limit: 'max',
    default: 20,
    what: 'hooks per hook point',
    values: (p) => [...field('hooks.preSwitch', p.hooks.preSwitch.length), ...field('hooks.postSync', p.hooks.postSync.length)],
  },
  maxChecks: {
    limit: 'max',
    default: 20,
    what: 'checks per phase',
    values: (p) => [...field('checks.verify', p.checks?.verify?.length), ...field('checks.monitor', p.checks?.monitor?.length)],
  },
  maxMetrics: {
    limit: 'max',
    default: 20,
    what: 'metrics per analysis',
    values: (p) => analyses(p).map(({ at, analysis }) => ({ at: `${at}.metrics`, value: analysis.metrics.length })),
  },
  minMetricIntervalMs: {
    limit: 'min',
    default: SECOND,
    what: 'time between metric measurements (ms)',
    values: (p) => analyses(p).map(({ at, analysis }) => ({ at: `${at}.intervalMs`, value: analysis.intervalMs })),
  },
  maxMetricCount: {
    limit: 'max',
    default: 1000,
    what: 'measurements per metric in verify',
    values: (p) => analyses(p).map(({ at, analysis }) => ({ at: `${at}.count`, value: analysis.count })),
  },
  maxInitialDelayMs: {
    limit: 'max',
    default: 6 * HOUR,
    what: "an analysis's initial delay (ms)",
    values: (p) => analyses(p).map(({ at, analysis }) => ({ at: `${at}.initialDelayMs`, value: analysis.initialDelayMs })),
  },
  maxTests: {
    limit: 'max',
    default: 20,
    what: 'test workflows in verify',
    values: (p) => field('verifyTests', p.verifyTests?.length),
  },
  maxChannels: {
    limit: 'max',
    default: 10,
    what: 'notification channels a plan names',
    values: (p) =>
      field(
        'notify',
        p.notify ? new Set([...p.notify.subscriptions.map((s) => s.channel), ...p.notify.escalateTo]).size : undefined,
      ),
  },
  minReminderMs: {
    limit: 'min',
    default: 60 * SECOND,
    what: 'time between reminders at the gate (ms)',
    values: (p) => field('notify.remindEveryMs', p.notify?.remindEveryMs),
  },
} satisfies Record<string, PlanBound>;

export type PlanBoundName = keyof typeof PLAN_BOUNDS;

/** The sentence for a number outside its bound, or for a value that is not a finite number. */
export function boundProblem(
  at: string,
  value: unknown,
  bound: Omit<Bound, 'field'>,
  limit: number,
  limitPath: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${at} is not a finite number`;
  const outside = bound.limit === 'min' ? value < limit : value > limit;
  if (!outside) return undefined;
  return `${at} is ${value}, ${bound.limit === 'min' ? 'below the minimum' : 'above the maximum'} of ${limit} the worker allows for ${bound.what} (${limitPath} in the worker policy)`;
}
