// switch: move traffic to the target color with the configured switch, check the DNS record
// when `dns` is configured, and wait until the public endpoint answers the target. A switch
// that fails where traffic may have moved anyway asks for a rollback (the caller decides).
import { verifyDnsRecord } from '../../switches/dns/step.js';
import { stepOf } from '../../switches/registry.js';
import { quick, waiting } from '../activity-proxies.js';
import { switchTools } from './switch-tools.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import type { Color } from '../../contract/types.js';
import type { PhaseContext } from './context.js';
import { notifyEvent, phaseUrl } from '../notify-points.js';
import { rampUp, trafficSteps } from './traffic-steps.js';

/**
 * How often, at most, the public endpoint is read while waiting for a switch to show (DNS/TTL
 * lag): one cheap GET a second, so a long verify interval does not delay every switch and
 * rollback by up to that interval once traffic has moved.
 */
const PUBLIC_COLOR_POLL_MS = 1_000;

/** Returns why to switch back when traffic may have moved without being confirmed (or a step failed). */
export async function switchPhase(ctx: PhaseContext): Promise<string | undefined> {
  const { plan, tracker, human, active, target } = ctx;
  tracker.start('switch', `moving traffic ${active} → ${target}`);
  const steps = trafficSteps(ctx);
  let promoted = '';
  if (steps) {
    const ramp = await rampUp(ctx, steps);
    if (ramp.end === 'rollback') {
      tracker.finish('switch', human.rollback ? 'cancelled' : 'failed', ramp.reason);
      if (!ramp.moved) throw new DeploymentStop('FAILED', `${ramp.reason}; traffic still on ${active}`);
      if (!human.rollback) notifyEvent(ctx, { type: 'analysis-failed', phase: 'switch', detail: ramp.reason });
      return ramp.reason;
    }
    if (ramp.end === 'promoted') {
      promoted = `; promoted from ${ramp.atPercent} % to 100 % by ${ramp.by}`;
      // Spent on the steps: the monitor window at 100 % waits for a promote of its own.
      delete human.promote;
    }
  }
  let note: string | undefined;
  try {
    note = await moveTraffic(ctx, 'switch', target, steps ? steps.length : 1);
  } catch (err) {
    if (!(err instanceof DeploymentStop)) throw err;
    tracker.finish('switch', 'failed', err.message);
    // Some steps moved traffic already: switch back.
    if (steps && (tracker.status.weight?.percent ?? 0) > 0) return `switch not confirmed: ${err.message}`;
    // Where traffic is now decides the outcome: switch back if it may have moved.
    const now = await quick.readActiveColor
      .executeWithOptions({ summary: 'read active color after failed switch' }, [{ url: plan.publicUrl + plan.colorPath }])
      .catch(() => undefined);
    if (now === active) throw new DeploymentStop('FAILED', `${err.message}; traffic still on ${active}`);
    return `switch not confirmed: ${err.message}`;
  }
  tracker.setWeight({ color: target, percent: 100, ...(steps ? { step: steps.length, steps: steps.length } : {}) });
  tracker.finish('switch', 'succeeded', `public endpoint answers ${target}${note ? `; ${note}` : ''}${promoted}`);
  const switchRun = phaseUrl(ctx, 'switch');
  notifyEvent(ctx, {
    type: 'switched',
    phase: 'switch',
    detail: `public endpoint answers ${target}`,
    ...(switchRun ? { runUrl: switchRun } : {}),
  });
  return undefined;
}

/**
 * Runs the configured switch type's step (switches/registry.ts) to `color`, checks the DNS record at every nameserver when `dns`
 * is configured, then waits until the public endpoint answers `color`. Returns the DNS note.
 */
export async function moveTraffic(
  ctx: PhaseContext,
  phase: 'switch' | 'rollback',
  color: Color,
  /** The phase's how-manieth traffic change this is (steps before it): each dispatch its own correlation id. */
  change = 1,
): Promise<string | undefined> {
  const { plan, tracker } = ctx;
  const sw = plan.switch;
  const switched = await stepOf(sw)(ctx, phase, sw, color, switchTools(ctx, phase, change), 100);
  const dnsNote = plan.dns ? await verifyDnsRecord(ctx, phase, color, sw.verifyTimeoutMs, switched) : undefined;
  tracker.update(phase, { detail: `waiting for ${plan.publicUrl}${plan.colorPath} to answer ${color}` });
  const seen = await waiting(plan, sw.verifyTimeoutMs).waitForPublicColor.executeWithOptions(
    { summary: `wait for public endpoint to answer ${color}` },
    [
      {
        url: plan.publicUrl + plan.colorPath,
        color,
        timeoutMs: sw.verifyTimeoutMs,
        intervalMs: Math.min(plan.verify.intervalMs, PUBLIC_COLOR_POLL_MS),
      },
    ],
  );
  if (!seen.ok) {
    throw new DeploymentStop(
      'FAILED',
      `public endpoint still answers ${seen.lastSeen ?? 'nothing'} ${formatDuration(sw.verifyTimeoutMs)} after switching to ${color}`,
    );
  }
  return dnsNote;
}
