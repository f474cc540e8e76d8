// The hot standby (monitor.standby): during monitor, the traffic steps' windows and bake the old
// color is probed beside the monitor's checks (in the same activity rounds: no event per probe),
// so a rollback goes to a color known to be healthy. A rollback whose old color was last seen
// unhealthy (or not seen lately) looks once more; still unhealthy, it is held and a person
// decides: `rollback` again switches anyway, `abort` keeps traffic where it is (FAILED), and
// nobody deciding within the ask timeout ends FAILED too. While held the old color is watched
// (held-watch.ts): seen healthy again before anyone decides, the rollback goes on by itself.
// It never switches blind.
import { CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import { environmentChecks } from '../../analysis/checks.js';
import type { StandbyProbeInput, StandbyReading } from '../../analysis/types.js';
import { decisionCommand } from '../../contract/commands.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import { isPatched } from '../../contract/patches.js';
import { inertText } from '../../contract/sanitize.js';
import type { StandbyPlan, StandbyStatus } from '../../contract/types.js';
import { waiting } from '../activity-proxies.js';
import type { HumanInput } from '../human-input.js';
import { notifyEvent } from '../notify-points.js';
import type { PhaseContext } from './context.js';
import { watchHeldStandby } from './held-watch.js';

/** The longest a reason is shown (status, Web UI, chat). */
const REASON_LENGTH = 300;
/** Between two rounds of the look before a rollback: quick, the rollback is waiting. */
const RECHECK_SPACING_MS = 1_000;
/** One round of the look: every check's own timeout (analysis/activities.ts) and some room. */
const ROUND_ALLOWANCE_MS = 10_000;

/** The plan's standby, for deployments started with this code; undefined when the old color is not probed. */
export function standbyPlanOf(ctx: PhaseContext): StandbyPlan | undefined {
  const standby = ctx.plan.monitor.standby;
  if (!standby || !isPatched('hot-standby')) return undefined;
  return standby;
}

/**
 * What the monitor's activity probes the old color with: the health and color checks verify runs
 * on a color. From then on the status has a standby, so a rollback never goes back unlooked-at.
 */
export function standbyProbe(ctx: PhaseContext, until?: StandbyProbeInput['until']): StandbyProbeInput | undefined {
  const standby = standbyPlanOf(ctx);
  if (!standby) return undefined;
  const { plan, active, tracker } = ctx;
  if (!tracker.status.standby) tracker.setStandby({ color: active });
  return {
    color: active,
    checks: environmentChecks(plan, plan.environments[active].url, active),
    failures: standby.failures,
    ...(until ? { until } : {}),
  };
}

/** A reading into the status (the tracker is its only writer); a reading without a round changes nothing. */
export function recordStandby(ctx: PhaseContext, reading: StandbyReading | undefined): void {
  if (!reading?.probedAt || reading.color !== ctx.active) return;
  ctx.tracker.setStandby(standbyOf(reading));
}

/** What the status says of a reading with a round in it: its reason cleaned and cut. */
function standbyOf(reading: StandbyReading): StandbyStatus {
  const reason = reading.healthy ? undefined : inertText(reading.lastFailure ?? 'failed probes', REASON_LENGTH);
  return {
    color: reading.color,
    healthy: reading.healthy,
    ...(reading.probedAt ? { probedAt: reading.probedAt } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** At most this many watches per bake (one more each time the old color's health changes): history stays flat. */
const MAX_BAKE_WATCHES = 6;

/**
 * The bake's watch: the old color probed every monitor interval for `durationMs`, or until
 * `stop()` (a rollback or promote). A watch ends when the old color's health changes, so the
 * status says so at once; after MAX_BAKE_WATCHES the rest is a plain timer (a rollback then
 * looks afresh). Without a standby: the plain timer, as before.
 */
export async function bakeWithStandby(ctx: PhaseContext, durationMs: number, stop: () => boolean): Promise<void> {
  const end = Date.now() + durationMs;
  const { plan, active, tracker } = ctx;
  const { intervalMs } = plan.monitor;
  for (let i = 0; i < MAX_BAKE_WATCHES; i++) {
    const left = end - Date.now();
    if (stop() || left < intervalMs) break;
    const until = tracker.status.standby?.healthy === false ? 'healthy' : 'unhealthy';
    const standby = standbyProbe(ctx, until);
    if (!standby) break;
    const scope = new CancellationScope();
    const watch = scope.run(() =>
      waiting(plan, left).monitorChecks.executeWithOptions(
        { summary: `watch ${active} (the old color) during the bake until it is ${until}` },
        [{ checks: [], durationMs: left, intervalMs, failureThreshold: 1, standby }],
      ),
    );
    try {
      const ended = await Promise.race([watch, condition(stop).then(() => undefined)]);
      if (ended === undefined) {
        scope.cancel();
        await watch.catch((err: unknown) => (isCancellation(err) ? undefined : Promise.reject(err)));
        return;
      }
      recordStandby(ctx, ended.standby);
      // Not the change it waited for: the watch ran its time (or reported nothing), the timer has the rest.
      if (ended.standby?.healthy !== (until === 'healthy')) break;
    } catch (err) {
      // The watch is an aid, not the bake: a failed one leaves the timer (a rollback looks afresh).
      log.warn('the standby watch failed during the bake', { error: String(err) });
      break;
    }
  }
  await condition(stop, Math.max(0, end - Date.now()));
}

/** How recent a healthy reading must be to switch back without looking again, at the shortest (a fast monitor interval). */
const LATELY_MIN_MS = 10_000;

/** Seen healthy within two monitor intervals (at least LATELY_MIN_MS): recent enough to switch back to without looking again. */
function healthyLately(ctx: PhaseContext, standby: StandbyStatus): boolean {
  if (standby.healthy !== true || standby.probedAt === undefined) return false;
  return Date.now() - Date.parse(standby.probedAt) <= Math.max(LATELY_MIN_MS, 2 * ctx.plan.monitor.intervalMs);
}

/**
 * Before the rollback switches: goes on at once when the old color was seen healthy lately (or
 * never watched: the switch failed before any window); else (unhealthy, not seen lately, or its
 * window cut short before any report) looks again, and when it is still
 * unhealthy holds for a person. Returns a note for the rollback's detail; throws DeploymentStop
 * (FAILED, traffic left where it is) when the person keeps traffic or nobody decides.
 */
export async function standbyBeforeRollback(ctx: PhaseContext, reason: string): Promise<string | undefined> {
  const standby = standbyPlanOf(ctx);
  const last = ctx.tracker.status.standby;
  if (!standby || !last) return undefined;
  if (healthyLately(ctx, last)) return undefined;
  const { plan, active } = ctx;
  const failures = Math.max(1, standby.failures);
  const fresh = await waiting(plan, 2 * failures * (RECHECK_SPACING_MS + ROUND_ALLOWANCE_MS)).checkStandby.executeWithOptions(
    { summary: `look at ${active} before switching back to it` },
    [
      {
        color: active,
        checks: environmentChecks(plan, plan.environments[active].url, active),
        failures,
        spacingMs: RECHECK_SPACING_MS,
      },
    ],
  );
  recordStandby(ctx, fresh);
  if (fresh.healthy) return last.healthy === false ? `${active} healthy again when looked at before switching back` : undefined;
  return holdRollback(ctx, standby, reason);
}

/** Where traffic is left when the rollback does not happen. */
function trafficLeft(ctx: PhaseContext): string {
  const weight = ctx.tracker.status.weight;
  if (weight && weight.percent < 100) return `traffic left as it is (${weight.color} ${weight.percent} %)`;
  return `traffic left on ${ctx.target}`;
}

async function holdRollback(ctx: PhaseContext, standby: StandbyPlan, reason: string): Promise<string> {
  const { plan, tracker, human, active } = ctx;
  const seen = tracker.status.standby!;
  const unhealthy = seen.reason ?? 'failed probes';
  const held = `rollback held: the old color ${active} is unhealthy (${unhealthy})`;
  const since = new Date();
  const until = new Date(since.getTime() + standby.askTimeoutMs).toISOString();
  tracker.setStandby({ ...seen, held: { since: since.toISOString(), until, reason: inertText(reason, REASON_LENGTH) } });
  tracker.update('rollback', { detail: `${held}; the rollback was due: ${reason}` });
  tracker.setWaitingFor(
    `a decision: ${held}. To switch back anyway: ${decisionCommand('rollback', plan.service, '--reason "..."')}; ` +
      `to keep traffic where it is and end FAILED: ${decisionCommand('abort', plan.service, '--reason "..."')} ` +
      `(otherwise FAILED in ${formatDuration(standby.askTimeoutMs)}, ${trafficLeft(ctx)})`,
  );
  notifyEvent(ctx, { type: 'rollback-held', phase: 'rollback', detail: `${held}; the rollback was due: ${reason}` });
  let recovered = false;
  const probe = isPatched('held-rollback-resumes') ? standbyProbe(ctx) : undefined;
  const watch = probe
    ? watchHeldStandby(ctx, probe, since.getTime() + standby.askTimeoutMs, (reading) => {
        const latest = standbyOf(reading);
        tracker.setStandby({ ...latest, ...(tracker.status.standby?.held ? { held: tracker.status.standby.held } : {}) });
        recovered = reading.healthy;
      })
    : undefined;
  const decided = await condition(() => human.heldRollback !== undefined || recovered, standby.askTimeoutMs);
  // Its last window reports back before anything else happens (a switch, the end).
  await watch?.stop();
  tracker.setWaitingFor(undefined);
  const { held: _held, ...after } = tracker.status.standby!;
  tracker.setStandby(after);
  // Read again: the handler sets it while the condition waits. A person's word wins over a recovery seen at once.
  const decision = (human as HumanInput).heldRollback;
  if (recovered && !decision) {
    const back = `old color ${active} healthy again after ${formatDuration(Date.now() - since.getTime())}: switching back`;
    const detail = `${back}; the rollback was due: ${reason}`;
    tracker.update('rollback', { detail });
    notifyEvent(ctx, { type: 'rollback-resumed', phase: 'rollback', detail });
    return back;
  }
  if (!decided || !decision) {
    const why = `${held}; nobody decided within ${formatDuration(standby.askTimeoutMs)}, ${trafficLeft(ctx)}`;
    tracker.finish('rollback', 'failed', why);
    throw new DeploymentStop('FAILED', `${why}. The rollback was due: ${reason}`);
  }
  const by = `${decision.by}${decision.text ? `: ${decision.text}` : ''}`;
  if (decision.kind === 'abort') {
    const why = `${held}; ${trafficLeft(ctx)} by ${by}`;
    tracker.finish('rollback', 'failed', why);
    throw new DeploymentStop('FAILED', `${why}. The rollback was due: ${reason}`);
  }
  return `switched back although ${active} was unhealthy (${unhealthy}), decided by ${by}`;
}
