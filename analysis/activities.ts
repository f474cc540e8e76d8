// The analysis activities: verify and monitor each run their whole list of checks in ONE
// heartbeating activity, so a 24-hour monitor window adds a handful of events to the history
// whatever its interval. A retried monitor (the worker died mid-window) resumes from its last
// heartbeat instead of starting the window again.
import { Context, log } from '@temporalio/activity';
import { heartbeat, sleepWithHeartbeats } from '../activities/heartbeat.js';
import type { MeasureContext } from './provider.js';
import { measureRound, tally } from './rounds.js';
import { standbyProbes, checkStandbyNow } from './standby.js';
import type {
  AnalysisActivities,
  CheckStandbyInput,
  CheckSummary,
  MonitorChecksInput,
  MonitorChecksResult,
  StandbyReading,
  VerifyChecksInput,
  VerifyChecksResult,
} from './types.js';

export interface AnalysisOptions {
  /**
   * Timeout of one reading. Every reading gets all of it, even near the end of a window, so
   * the activities may run up to one reading past their `timeoutMs` / `durationMs`. @default 5_000
   */
  probeTimeoutMs?: number;
  /** Where checks read named secrets. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** What monitorChecks heartbeats; a retried attempt resumes from it. */
export interface MonitorProgress {
  startedAtMs: number;
  elapsedMs: number;
  remainingMs: number;
  /** Rounds measured. */
  probes: number;
  /** Rounds that failed. */
  failures: number;
  consecutiveFailures: number;
  lastFailure?: string;
  checks?: CheckSummary[];
  /** The hot standby's rounds so far (monitor.standby). */
  standby?: StandbyReading;
}

/** What verifyChecks heartbeats; verifyWindow (analysis/verify-window.ts) resumes from it. */
export interface VerifyProgress {
  startedAtMs: number;
  /** Rounds measured. */
  attempts: number;
  inARow: number;
  needed: number;
  lastFailure?: string;
  checks: CheckSummary[];
}

/** What the health and color checks measure with. */
export const checkMeasureContext =
  (options: AnalysisOptions = {}) =>
  (): MeasureContext => ({ timeoutMs: options.probeTimeoutMs ?? 5_000, env: options.env ?? process.env });

export function createAnalysisActivities(options: AnalysisOptions = {}): AnalysisActivities {
  const context = checkMeasureContext(options);

  // A retried attempt starts the rounds and the timeout afresh.
  const verifyChecks = (input: VerifyChecksInput): Promise<VerifyChecksResult> => checkUntilHealthy(input, context);

  const monitorChecks = (input: MonitorChecksInput): Promise<MonitorChecksResult> =>
    watchChecks(input, context, Context.current().info.heartbeatDetails as Partial<MonitorProgress> | undefined);

  // Before a rollback: the old color looked at afresh, a few rounds at most.
  const checkStandby = (input: CheckStandbyInput): Promise<StandbyReading> => checkStandbyNow(input, context);

  return { verifyChecks, monitorChecks, checkStandby };
}

/**
 * How a check loop reports and waits: by default it heartbeats its own progress; the
 * monitorWindow activity (analysis/monitor-window.ts) runs it beside the metrics, merges both
 * into one heartbeat and stops it when the metrics decide a rollback first; verifyWindow
 * (analysis/verify-window.ts) runs it before the metrics and merges both into one heartbeat.
 */
export interface LoopIo<P> {
  heartbeat(progress: P): void;
  sleep(ms: number, progress: () => P): Promise<void>;
  /** True once another part of the activity has decided: end without another round. */
  stopped(): boolean;
}

/** A resumed loop's start (from its heartbeat), or now: a start in the future is not believed. */
export function resumedStart(startedAtMs: unknown): number {
  const now = Date.now();
  return typeof startedAtMs === 'number' && startedAtMs <= now ? startedAtMs : now;
}

export const ownHeartbeat: LoopIo<unknown> = { heartbeat, sleep: sleepWithHeartbeats, stopped: () => false };

/**
 * The LoopIo of one of two loops sharing an activity's heartbeat (verifyWindow, monitorWindow):
 * it keeps its loop's progress (`keep`) and heartbeats `merged()`, both loops' progress. With
 * `stopping`, a sleep ends once that settles; `stopped` tells the loop to end.
 */
export function sharedHeartbeat<P>(
  keep: (progress: P) => void,
  merged: () => unknown,
  stopping?: Promise<void>,
  stopped: () => boolean = () => false,
): LoopIo<P> {
  return {
    heartbeat: (p) => {
      keep(p);
      heartbeat(merged());
    },
    sleep: (ms, progress) =>
      sleepWithHeartbeats(
        ms,
        () => {
          keep(progress());
          return merged();
        },
        stopping,
      ),
    stopped,
  };
}

/** The monitor window's probe rounds (monitorChecks), resuming from `resumed`. */
export async function watchChecks(
  input: MonitorChecksInput,
  context: () => MeasureContext,
  resumed: Partial<MonitorProgress> | undefined,
  io: LoopIo<MonitorProgress> = ownHeartbeat,
): Promise<MonitorChecksResult> {
  const startedAtMs = resumedStart(resumed?.startedAtMs);
  const endsAt = startedAtMs + input.durationMs;
  const threshold = Math.max(1, input.failureThreshold);
  const { summaries, add } = tally(input.checks, resumed?.checks);
  let probes = resumed?.probes ?? 0;
  let failures = resumed?.failures ?? 0;
  let consecutiveFailures = resumed?.consecutiveFailures ?? 0;
  let lastFailure = resumed?.lastFailure;
  const standby = input.standby ? standbyProbes(input.standby, resumed?.standby) : undefined;
  const progress = (): MonitorProgress => ({
    startedAtMs,
    elapsedMs: Date.now() - startedAtMs,
    remainingMs: Math.max(0, endsAt - Date.now()),
    probes,
    failures,
    consecutiveFailures,
    ...(lastFailure ? { lastFailure } : {}),
    checks: summaries,
    ...(standby ? { standby: standby.reading() } : {}),
  });
  const result = (verdict: MonitorChecksResult['verdict']): MonitorChecksResult => ({
    verdict,
    rounds: probes,
    failedRounds: failures,
    checks: summaries,
    ...(lastFailure ? { lastFailure } : {}),
    ...(standby ? { standby: standby.reading() } : {}),
  });
  if (resumed?.startedAtMs) log.info('Resuming the monitor window', { ...progress() });

  while (Date.now() < endsAt && !io.stopped()) {
    // The old color in the same round, side by side with the new one's checks.
    const [round, reached] = await Promise.all([
      measureRound(input.checks, context()),
      standby ? standby.round(context()) : Promise.resolve(false),
    ]);
    if (input.checks.length > 0) {
      add(round);
      probes++;
    }
    // An inconclusive round neither fails the window nor ends a run of failures.
    if (round.verdict === 'pass') consecutiveFailures = 0;
    else if (round.verdict === 'fail') {
      failures++;
      consecutiveFailures++;
      lastFailure = round.failure;
      log.warn('Monitor check failed', { consecutiveFailures, threshold, reason: round.failure });
    }
    io.heartbeat(progress());
    if (consecutiveFailures >= threshold) return result('unhealthy');
    // The bake's watch: its old color reached the state it waits for.
    if (reached) return result('healthy');
    const left = endsAt - Date.now();
    if (left <= 0) break;
    // Rejects with CancelledFailure when the workflow cancels the monitor (rollback / promote).
    await io.sleep(Math.min(input.intervalMs, left), progress);
  }
  return result('healthy');
}

/** verify's rounds until `successes` pass in a row or `timeoutMs` (from the first attempt's start) runs out. */
export async function checkUntilHealthy(
  input: VerifyChecksInput,
  context: () => MeasureContext,
  resumed?: Partial<VerifyProgress>,
  io: LoopIo<VerifyProgress> = ownHeartbeat,
): Promise<VerifyChecksResult> {
  const { summaries, add } = tally(input.checks, resumed?.checks);
  const at: Omit<VerifyProgress, 'checks'> = {
    startedAtMs: resumedStart(resumed?.startedAtMs),
    attempts: resumed?.attempts ?? 0,
    inARow: resumed?.inARow ?? 0,
    needed: Math.max(1, input.successes),
    ...(resumed?.lastFailure ? { lastFailure: resumed.lastFailure } : {}),
  };
  const deadline = at.startedAtMs + input.timeoutMs;
  const progress = (): VerifyProgress => ({ ...at, checks: summaries });
  if (resumed?.startedAtMs) log.info('Resuming the verify checks', { attempts: at.attempts, inARow: at.inARow });
  for (;;) {
    at.attempts++;
    const round = await measureRound(input.checks, context());
    add(round);
    at.inARow = round.verdict === 'pass' ? at.inARow + 1 : 0;
    if (round.failure) at.lastFailure = round.failure;
    io.heartbeat(progress());
    if (at.inARow >= at.needed) return { ok: true, rounds: at.attempts, checks: summaries };
    // Stop when the next round could not start before the deadline.
    if (Date.now() + input.intervalMs >= deadline) {
      const reason = at.lastFailure ?? `only ${at.inARow} of ${at.needed} consecutive passing rounds before the timeout`;
      log.warn('Checks did not pass in time', { attempts: at.attempts, lastFailure: reason });
      return { ok: false, rounds: at.attempts, checks: summaries, lastFailure: reason };
    }
    await io.sleep(input.intervalMs, progress);
  }
}
