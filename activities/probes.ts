// HTTP checks of the environments and of the public endpoint. Long checks are single
// heartbeating activities (not many short ones) so a 15-minute monitor window adds a handful of
// events to the workflow history, whatever its probe interval.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Color } from '../workflows/types.js';
import { heartbeat, sleepWithHeartbeats } from './heartbeat.js';
import { joinUrl, probeColor, probeEnvironment } from './http-probe.js';
import type {
  MonitorInput,
  MonitorResult,
  ReadActiveColorInput,
  VerifyEnvironmentInput,
  VerifyEnvironmentResult,
  WaitForPublicColorInput,
  WaitForPublicColorResult,
} from './types.js';

export interface ProbeOptions {
  /**
   * Timeout of one HTTP probe. Shorter catches a hanging endpoint sooner; too short turns a
   * slow but healthy endpoint into failures. Every probe gets all of it, even near the end of
   * a window (a probe cut short would report our deadline, not the endpoint), so the long
   * activities may run up to one probe timeout past their `timeoutMs` / `durationMs`.
   * @default 5_000
   */
  probeTimeoutMs?: number;
  /** Poll interval of waitForPublicColor when the input gives none. @default 2_000 */
  publicColorIntervalMs?: number;
}

/** What monitorPublicEndpoint heartbeats; a retried attempt resumes from it. */
export interface MonitorProgress {
  startedAtMs: number;
  elapsedMs: number;
  remainingMs: number;
  probes: number;
  failures: number;
  consecutiveFailures: number;
  lastFailure?: string;
}

export function createProbeActivities(options: ProbeOptions = {}) {
  const probeTimeoutMs = options.probeTimeoutMs ?? 5_000;

  async function readActiveColor(input: ReadActiveColorInput): Promise<Color> {
    const answer = await probeColor(input.url, probeTimeoutMs);
    if (answer.ok) return answer.value;
    // Retryable: the endpoint may be restarting; the workflow's retry policy bounds the wait.
    throw ApplicationFailure.retryable(`Cannot read the active color: ${answer.reason}`, 'ColorEndpointUnavailable');
  }

  async function verifyEnvironment(input: VerifyEnvironmentInput): Promise<VerifyEnvironmentResult> {
    const healthUrl = joinUrl(input.baseUrl, input.healthPath);
    const colorUrl = joinUrl(input.baseUrl, input.colorPath);
    const deadline = Date.now() + input.timeoutMs;
    const needed = Math.max(1, input.successes);
    let attempts = 0;
    let inARow = 0;
    let lastFailure: string | undefined;
    const progress = () => ({ attempts, inARow, needed, ...(lastFailure ? { lastFailure } : {}) });

    for (;;) {
      attempts++;
      const verdict = await probeEnvironment(healthUrl, colorUrl, input.expectColor, probeTimeoutMs);
      if (verdict.ok) {
        inARow++;
      } else {
        inARow = 0;
        lastFailure = verdict.reason;
      }
      heartbeat(progress());
      if (inARow >= needed) return { ok: true, attempts };
      // Stop when the next probe could not start before the deadline.
      if (Date.now() + input.intervalMs >= deadline) {
        const reason = lastFailure ?? `only ${inARow} of ${needed} consecutive successes before the timeout`;
        log.warn('Environment did not verify in time', { baseUrl: input.baseUrl, attempts, lastFailure: reason });
        return { ok: false, attempts, lastFailure: reason };
      }
      await sleepWithHeartbeats(input.intervalMs, progress);
    }
  }

  async function waitForPublicColor(input: WaitForPublicColorInput): Promise<WaitForPublicColorResult> {
    const started = Date.now();
    const deadline = started + input.timeoutMs;
    const interval = input.intervalMs ?? options.publicColorIntervalMs ?? 2_000;
    let lastSeen: string | undefined;
    let polls = 0;
    const progress = () => ({ polls, want: input.color, ...(lastSeen ? { lastSeen } : {}) });

    for (;;) {
      polls++;
      const answer = await probeColor(input.url, probeTimeoutMs);
      lastSeen = answer.ok ? answer.value : answer.reason;
      heartbeat(progress());
      if (answer.ok && answer.value === input.color) return { ok: true, lastSeen, elapsedMs: Date.now() - started };
      if (Date.now() + interval >= deadline) return { ok: false, lastSeen, elapsedMs: Date.now() - started };
      await sleepWithHeartbeats(interval, progress);
    }
  }

  async function monitorPublicEndpoint(input: MonitorInput): Promise<MonitorResult> {
    const ctx = Context.current();
    const healthUrl = joinUrl(input.publicUrl, input.healthPath);
    // A retried attempt (the worker died mid-window) carries on from its last heartbeat
    // instead of starting the whole window again.
    const resumed = ctx.info.heartbeatDetails as Partial<MonitorProgress> | undefined;
    const now = Date.now();
    const startedAtMs = typeof resumed?.startedAtMs === 'number' && resumed.startedAtMs <= now ? resumed.startedAtMs : now;
    const endsAt = startedAtMs + input.durationMs;
    const threshold = Math.max(1, input.failureThreshold);
    let probes = resumed?.probes ?? 0;
    let failures = resumed?.failures ?? 0;
    let consecutiveFailures = resumed?.consecutiveFailures ?? 0;
    let lastFailure = resumed?.lastFailure;
    const progress = (): MonitorProgress => ({
      startedAtMs,
      elapsedMs: Date.now() - startedAtMs,
      remainingMs: Math.max(0, endsAt - Date.now()),
      probes,
      failures,
      consecutiveFailures,
      ...(lastFailure ? { lastFailure } : {}),
    });
    const result = (verdict: MonitorResult['verdict']): MonitorResult => ({
      verdict,
      probes,
      failures,
      ...(lastFailure ? { lastFailure } : {}),
    });
    if (resumed?.startedAtMs) log.info('Resuming the monitor window', { ...progress() });

    while (Date.now() < endsAt) {
      const verdict = await probeEnvironment(healthUrl, input.colorUrl, input.expectColor, probeTimeoutMs);
      probes++;
      if (verdict.ok) {
        consecutiveFailures = 0;
      } else {
        failures++;
        consecutiveFailures++;
        lastFailure = verdict.reason;
        log.warn('Public endpoint probe failed', { consecutiveFailures, threshold, reason: verdict.reason });
      }
      heartbeat(progress());
      if (consecutiveFailures >= threshold) return result('unhealthy');
      const left = endsAt - Date.now();
      if (left <= 0) break;
      // Rejects with CancelledFailure when the workflow cancels the monitor (rollback / promote).
      await sleepWithHeartbeats(Math.min(input.intervalMs, left), progress);
    }
    return result('healthy');
  }

  return { readActiveColor, verifyEnvironment, waitForPublicColor, monitorPublicEndpoint };
}
