// The hot standby's probes (monitor.standby): the old color's health and color checks, measured
// in the monitor's own rounds (watchChecks) and afresh before a rollback (checkStandby). It turns
// unhealthy after `failures` failed rounds in a row and healthy again with one passing round;
// an inconclusive round changes nothing, as in the monitor's own count. Activity side.
import { heartbeat, sleepWithHeartbeats } from '../activities/heartbeat.js';
import type { MeasureContext } from './provider.js';
import { measureRound, type Round } from './rounds.js';
import type { CheckStandbyInput, StandbyProbeInput, StandbyReading } from './types.js';

/** The standby's tally across rounds, resumed from a heartbeat; `round` says whether `until` was reached. */
export function standbyProbes(input: StandbyProbeInput, resumed?: StandbyReading, healthyAtFirst = input.until !== 'healthy') {
  const failures = Math.max(1, input.failures);
  const state: StandbyReading =
    resumed && resumed.color === input.color
      ? { ...resumed }
      : { color: input.color, healthy: healthyAtFirst, probes: 0, consecutiveFailures: 0 };
  let last: Round['verdict'] | undefined;
  return {
    reading: (): StandbyReading => ({ ...state }),
    lastVerdict: () => last,
    async round(context: MeasureContext): Promise<boolean> {
      const round = await measureRound(input.checks, context);
      last = round.verdict;
      state.probes++;
      state.probedAt = new Date().toISOString();
      if (round.verdict === 'pass') {
        state.consecutiveFailures = 0;
        state.healthy = true;
        delete state.lastFailure;
      } else if (round.verdict === 'fail') {
        state.consecutiveFailures++;
        state.lastFailure = round.failure ?? 'a check failed';
        if (state.consecutiveFailures >= failures) state.healthy = false;
      }
      if (input.until === 'healthy') return round.verdict === 'pass';
      if (input.until === 'unhealthy') return !state.healthy;
      return false;
    },
  };
}

/**
 * Rounds `spacingMs` apart until one passes (healthy) or `failures` fail in a row (unhealthy);
 * an old color that never answers conclusively within twice that many rounds is not healthy.
 */
export async function checkStandbyNow(input: CheckStandbyInput, context: () => MeasureContext): Promise<StandbyReading> {
  const failures = Math.max(1, input.failures);
  const probes = standbyProbes({ color: input.color, checks: input.checks, failures }, undefined, false);
  for (let i = 0; i < 2 * failures; i++) {
    await probes.round(context());
    const now = probes.reading();
    heartbeat(now);
    if (probes.lastVerdict() === 'pass' || now.consecutiveFailures >= failures) return now;
    await sleepWithHeartbeats(input.spacingMs, probes.reading);
  }
  return { ...probes.reading(), healthy: false, lastFailure: probes.reading().lastFailure ?? 'no conclusive answer' };
}
