// One round of a phase's checks (all measured at once) and the per-check tally a phase keeps.
// Activity side.
import { ApplicationFailure } from '@temporalio/activity';
import type { AnalysisProvider, MeasureContext } from './provider.js';
import { providerOf } from './registry.js';
import type { CheckPlan, CheckSummary, Measurement } from './types.js';

export interface Round {
  /** pass: every check passed (or was inconclusive with onInconclusive: pass); fail: one failed (or was inconclusive with onInconclusive: fail); else inconclusive. */
  verdict: 'pass' | 'fail' | 'inconclusive';
  measurements: Measurement[];
  /** The first failing measurement's reason (checks in their given order). */
  failure?: string;
}

/** One check measured by its provider (analysis/registry.ts); a check no provider knows is a non-retryable bug in the plan. */
export function measureCheck<C extends CheckPlan>(check: C, context: MeasureContext): ReturnType<AnalysisProvider<C>['measure']> {
  const provider = providerOf(check);
  if (!provider) {
    throw ApplicationFailure.nonRetryable(`no analysis provider "${check.provider}" for check "${check.name}"`, 'ConfigError');
  }
  return provider.measure(check, context);
}

/** Measures every check once, in parallel. Rejects only when the activity is cancelled. */
export async function measureRound(checks: CheckPlan[], context: MeasureContext): Promise<Round> {
  const measurements = await Promise.all(checks.map((check) => measureCheck(check, context)));
  const failing = (m: Measurement, check: CheckPlan) =>
    m.verdict === 'fail' || (m.verdict === 'inconclusive' && check.onInconclusive === 'fail');
  const failed = measurements.find((m, i) => failing(m, checks[i]!));
  if (failed) return { verdict: 'fail', measurements, failure: failed.reason };
  const passing = (m: Measurement, check: CheckPlan) =>
    m.verdict === 'pass' || (m.verdict === 'inconclusive' && check.onInconclusive === 'pass');
  return { verdict: measurements.every((m, i) => passing(m, checks[i]!)) ? 'pass' : 'inconclusive', measurements };
}

/** Counts and last reading per check; seeded from a heartbeat when an attempt resumes. */
export function tally(checks: CheckPlan[], resumed?: CheckSummary[]): { summaries: CheckSummary[]; add: (round: Round) => void } {
  const summaries = checks.map(
    (check): CheckSummary =>
      resumed?.find((s) => s.check === check.name && s.provider === check.provider) ?? {
        check: check.name,
        provider: check.provider,
        measurements: 0,
        passes: 0,
        failures: 0,
        inconclusive: 0,
      },
  );
  const add = (round: Round) =>
    round.measurements.forEach((m, i) => {
      const s = summaries[i]!;
      s.measurements++;
      if (m.verdict === 'pass') s.passes++;
      else if (m.verdict === 'fail') s.failures++;
      else s.inconclusive++;
      s.last = m;
    });
  return { summaries, add };
}
