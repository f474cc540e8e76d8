// HTTP reads of the public endpoint: the active color, waiting for a switch to show, a traffic step's share.
import { ApplicationFailure } from '@temporalio/activity';
import type { Color } from '../contract/types.js';
import { heartbeat, sleepWithHeartbeats } from '../activities/heartbeat.js';
import { probeColor } from '../activities/http-probe.js';
import type {
  ReadActiveColorInput,
  SamplePublicShareInput,
  SamplePublicShareResult,
  WaitForPublicColorInput,
  WaitForPublicColorResult,
} from '../activities/types.js';

/** How many probes of a traffic step's share are in flight at once (loopback-cheap, bounded). */
const SAMPLES_AT_ONCE = 8;

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

/** What monitorChecks heartbeats; a retried attempt resumes from it. */
export type { MonitorProgress } from './activities.js';

export function createProbeActivities(options: ProbeOptions = {}) {
  const probeTimeoutMs = options.probeTimeoutMs ?? 5_000;

  async function readActiveColor(input: ReadActiveColorInput): Promise<Color> {
    const answer = await probeColor(input.url, probeTimeoutMs);
    if (answer.ok) return answer.value;
    // Retryable: the endpoint may be restarting; the workflow's retry policy bounds the wait.
    throw ApplicationFailure.retryable(`Cannot read the active color: ${answer.reason}`, 'ColorEndpointUnavailable');
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

  /**
   * Reads the public color endpoint `samples` times and takes `color`'s share of the answers;
   * again every interval until a sample is within the tolerance of `percent` or time is up (an
   * ALB or a resolver takes a moment to follow). Failed requests count against the sample.
   */
  async function samplePublicShare(input: SamplePublicShareInput): Promise<SamplePublicShareResult> {
    const deadline = Date.now() + input.timeoutMs;
    const interval = input.intervalMs ?? options.publicColorIntervalMs ?? 2_000;
    let samplesTaken = 0;
    for (;;) {
      const counts = { blue: 0, green: 0, failed: 0 };
      let lastFailure: string | undefined;
      // A few at a time: the share is the same, a step waits a fraction as long for it.
      for (let taken = 0; taken < input.samples; taken += SAMPLES_AT_ONCE) {
        const batch = Math.min(SAMPLES_AT_ONCE, input.samples - taken);
        const answers = await Promise.all(Array.from({ length: batch }, () => probeColor(input.url, probeTimeoutMs)));
        for (const answer of answers) {
          if (answer.ok) counts[answer.value]++;
          else {
            counts.failed++;
            lastFailure = answer.reason;
          }
        }
        heartbeat({ samplesTaken, counts });
      }
      samplesTaken++;
      const answered = counts.blue + counts.green;
      const share = answered > 0 ? Math.round((100 * counts[input.color]) / answered) : undefined;
      const ok = counts.failed === 0 && share !== undefined && Math.abs(share - input.percent) <= input.tolerance;
      const result = {
        ok,
        counts,
        samplesTaken,
        ...(share !== undefined ? { share } : {}),
        ...(lastFailure ? { lastFailure } : {}),
      };
      if (ok || Date.now() + interval >= deadline) return result;
      await sleepWithHeartbeats(interval, () => ({ samplesTaken, counts }));
    }
  }

  return { readActiveColor, waitForPublicColor, samplePublicShare };
}
