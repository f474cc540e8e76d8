// HTTP reads of the public endpoint (the active color, waiting for a switch to show), and the
// verify/monitor activities of deployments started before the analysis seam (analysis/), which
// now run as the seam's two checks, health and color.
import { ApplicationFailure } from '@temporalio/activity';
import { createAnalysisActivities } from './activities.js';
import type { CheckPlan } from './types.js';
import type { Color } from '../contract/types.js';
import { heartbeat, sleepWithHeartbeats } from '../activities/heartbeat.js';
import { joinUrl, probeColor } from '../activities/http-probe.js';
import type {
  MonitorInput,
  MonitorResult,
  ReadActiveColorInput,
  VerifyEnvironmentInput,
  VerifyEnvironmentResult,
  WaitForPublicColorInput,
  WaitForPublicColorResult,
} from '../activities/types.js';

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

/** What monitorPublicEndpoint (and monitorChecks) heartbeat; a retried attempt resumes from it. */
export type { MonitorProgress } from './activities.js';

export function createProbeActivities(options: ProbeOptions = {}) {
  const probeTimeoutMs = options.probeTimeoutMs ?? 5_000;
  const analysis = createAnalysisActivities({ probeTimeoutMs });

  async function readActiveColor(input: ReadActiveColorInput): Promise<Color> {
    const answer = await probeColor(input.url, probeTimeoutMs);
    if (answer.ok) return answer.value;
    // Retryable: the endpoint may be restarting; the workflow's retry policy bounds the wait.
    throw ApplicationFailure.retryable(`Cannot read the active color: ${answer.reason}`, 'ColorEndpointUnavailable');
  }

  /** The checks of one environment: health (2xx) and color, the two that verify and monitor always ran. */
  const environmentChecks = (healthUrl: string, colorUrl: string, expect: Color): CheckPlan[] => [
    { provider: 'http-health', name: 'health', url: healthUrl },
    { provider: 'color', name: 'color', url: colorUrl, expect },
  ];

  /** Kept for deployments started before the analysis seam (their histories name it): verifyChecks with the two checks. */
  async function verifyEnvironment(input: VerifyEnvironmentInput): Promise<VerifyEnvironmentResult> {
    const checks = environmentChecks(
      joinUrl(input.baseUrl, input.healthPath),
      joinUrl(input.baseUrl, input.colorPath),
      input.expectColor,
    );
    const result = await analysis.verifyChecks({
      checks,
      successes: input.successes,
      intervalMs: input.intervalMs,
      timeoutMs: input.timeoutMs,
    });
    return { ok: result.ok, attempts: result.rounds, ...(result.lastFailure ? { lastFailure: result.lastFailure } : {}) };
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

  /** Kept for deployments started before the analysis seam: monitorChecks with the two checks. */
  async function monitorPublicEndpoint(input: MonitorInput): Promise<MonitorResult> {
    const checks = environmentChecks(joinUrl(input.publicUrl, input.healthPath), input.colorUrl, input.expectColor);
    const { durationMs, intervalMs, failureThreshold } = input;
    const result = await analysis.monitorChecks({ checks, durationMs, intervalMs, failureThreshold });
    return {
      verdict: result.verdict,
      probes: result.rounds,
      failures: result.failedRounds,
      ...(result.lastFailure ? { lastFailure: result.lastFailure } : {}),
    };
  }

  return { readActiveColor, verifyEnvironment, waitForPublicColor, monitorPublicEndpoint };
}
