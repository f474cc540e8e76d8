// switch with steps (switch.steps): the new color's share goes up one step at a time. Each step
// below 100 is written (read first, only what differs: a retried or replayed step writes
// nothing twice), held past the records' TTL for DNS-based switches, sampled on the public
// endpoint (the share must be within the tolerance of the weight), then judged by the monitor's
// checks and metrics for the step pause. A step advances only when its analysis passes;
// `promote` skips ahead to 100; `rollback` or a failed step returns a reason to roll back.
import { condition, sleep } from '@temporalio/workflow';
import { isPatched } from '../../contract/patches.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import { decisionCommand } from '../../contract/commands.js';
import { stepOf } from '../../switches/registry.js';
import { DEFAULT_SHARE_TOLERANCE, rampDown as rampDownSteps, SHARE_SAMPLES } from '../../switches/steps.js';
import { waiting } from '../activity-proxies.js';
import { settleMonitorAnalysis } from './analysis.js';
import type { PhaseContext } from './context.js';
import type { HumanInput } from '../human-input.js';
import { watchWindow, type Watched } from './monitor.js';
import { switchTools } from './switch-tools.js';
import { rollbackRequested } from '../decisions.js';

/** How often, at most, a step's share is sampled again while the provider catches up. */
const SHARE_RESAMPLE_MS = 1_000;

/** The plan's steps when it moves traffic progressively (new deployments only), else undefined. */
export function trafficSteps(ctx: PhaseContext): readonly number[] | undefined {
  const steps = ctx.plan.switch.steps;
  if (!steps || steps.length === 0 || !isPatched('traffic-steps')) return undefined;
  return steps;
}

/** What the steps below 100 ended with. */
export type RampResult =
  { end: 'passed' } | { end: 'promoted'; by: string; atPercent: number } | { end: 'rollback'; reason: string; moved: boolean };

/** Runs every step below 100; the switch phase then moves the rest (100 %) and verifies it. */
export async function rampUp(ctx: PhaseContext, steps: readonly number[]): Promise<RampResult> {
  const { plan, tracker, human, target } = ctx;
  const sw = plan.switch;
  const pauseMs = sw.stepPauseMs ?? 0;
  const tolerance = sw.shareTolerance ?? DEFAULT_SHARE_TOLERANCE;
  let moved = false;
  let current = 0;
  for (const [i, percent] of steps.entries()) {
    if (percent >= 100) break;
    if (human.rollback) return { end: 'rollback', reason: rollbackRequested(human.rollback), moved };
    if (human.promote) return { end: 'promoted', by: human.promote.by, atPercent: current };
    const at = `step ${i + 1} of ${steps.length}`;
    tracker.update('switch', { detail: `${at}: ${target} → ${percent} %` });
    let ttlSeconds: number | undefined;
    try {
      // A step that fails after its write may have moved traffic: the caller rolls back.
      moved = true;
      const switched = await stepOf(sw)(ctx, 'switch', sw, target, switchTools(ctx, 'switch', i + 1), percent);
      ttlSeconds = switched.recordTtlSeconds;
    } catch (err) {
      if (!(err instanceof DeploymentStop)) throw err;
      return { end: 'rollback', reason: `${at} (${target} ${percent} %) failed: ${err.message}`, moved };
    }
    current = percent;
    const weight = { color: target, percent, step: i + 1, steps: steps.length };
    tracker.setWeight(weight);

    // Resolvers may keep the previous split for the records' TTL: the step is judged after it.
    if (ttlSeconds !== undefined && ttlSeconds > 0) {
      tracker.update('switch', { detail: `${at}: ${target} ${percent} %, waiting ${ttlSeconds}s for the records' TTL` });
      await condition(() => human.rollback !== undefined || human.promote !== undefined, ttlSeconds * 1_000);
      const { rollback, promote } = human as HumanInput;
      if (rollback) return { end: 'rollback', reason: rollbackRequested(rollback), moved };
      if (promote) return { end: 'promoted', by: promote.by, atPercent: current };
    }

    const sample = await waiting(plan, sw.verifyTimeoutMs).samplePublicShare.executeWithOptions(
      { summary: `sample ${target}'s share of ${plan.publicUrl} (want ${percent} % ± ${tolerance})` },
      [
        {
          url: plan.publicUrl + plan.colorPath,
          color: target,
          percent,
          tolerance,
          samples: SHARE_SAMPLES,
          timeoutMs: sw.verifyTimeoutMs,
          intervalMs: Math.min(plan.verify.intervalMs, SHARE_RESAMPLE_MS),
        },
      ],
    );
    if (sample.share !== undefined) tracker.setWeight({ ...weight, sampled: sample.share });
    if (!sample.ok) {
      const seen = sample.share !== undefined ? `${sample.share} %` : 'no color';
      const failed =
        sample.counts.failed > 0 ? ` (${sample.counts.failed} failed requests: ${sample.lastFailure ?? 'unknown'})` : '';
      return {
        end: 'rollback',
        reason: `${at}: the public endpoint gave ${target} ${seen} of its answers${failed}, not ${percent} % ± ${tolerance} within ${formatDuration(sw.verifyTimeoutMs)}`,
        moved,
      };
    }

    tracker.update('switch', {
      detail: `${at}: ${target} ${percent} % (public endpoint: ${sample.share} %), analysing for ${formatDuration(pauseMs)}`,
    });
    tracker.setWaitingFor(
      `${at} to pass its analysis (no action needed). To go to 100 % now: ${decisionCommand('promote', plan.service)}; ` +
        `to switch back: ${decisionCommand('rollback', plan.service, '--reason "..."')}`,
    );
    const watched = await watchWindow(ctx, pauseMs, true);
    tracker.setWaitingFor(undefined);
    const verdict = await judgeStep(ctx, watched);
    if (verdict.end === 'promoted') return { ...verdict, atPercent: current };
    if (verdict.end === 'rollback') {
      // A human's request is worded as theirs; a failed analysis names the step.
      const reason = verdict.requested ? verdict.reason : `${at} (${target} ${percent} %): ${verdict.reason}`;
      return { end: 'rollback', reason, moved };
    }
  }
  return { end: 'passed' };
}

type StepVerdict = { end: 'passed' } | { end: 'promoted'; by: string } | { end: 'rollback'; reason: string; requested?: true };

/** One step's analysis, read as the monitor window reads its own. */
async function judgeStep(ctx: PhaseContext, watched: Watched): Promise<StepVerdict> {
  const { human, tracker } = ctx;
  const { verdict, reason, analysed } = watched;
  tracker.setAnalysis('monitor', { metrics: 'drop-running' });
  if (verdict === 'interrupted' && human.rollback)
    return { end: 'rollback', reason: rollbackRequested(human.rollback), requested: true };
  if (verdict === 'interrupted' && human.promote) return { end: 'promoted', by: human.promote.by };
  if (analysed && (verdict === 'healthy' || analysed.verdict === 'fail')) {
    const why = await settleMonitorAnalysis(ctx, analysed);
    if (why && human.promote) return { end: 'promoted', by: human.promote.by };
    if (why && human.rollback) return { end: 'rollback', reason: rollbackRequested(human.rollback), requested: true };
    if (why) return { end: 'rollback', reason: why };
  }
  if (verdict === 'healthy') return { end: 'passed' };
  return { end: 'rollback', reason: reason ?? 'the step analysis failed' };
}

/**
 * `switch.rollback: ramp`: before the rollback moves the rest, the new color's share goes down
 * the steps below where it is, each held for the step pause. A step that fails ends the ramp:
 * the rollback then moves all traffic at once. Returns how many changes it made (their dispatches
 * numbered 1…n; the rollback's own comes next).
 */
export async function rampDown(ctx: PhaseContext): Promise<number> {
  const { plan, tracker, target } = ctx;
  const sw = plan.switch;
  const weight = tracker.status.weight;
  if (sw.rollbackMode !== 'ramp' || !weight || weight.color !== target) return 0;
  const steps = trafficSteps(ctx);
  if (!steps) return 0;
  let changes = 0;
  for (const percent of rampDownSteps(steps, weight.percent)) {
    if (percent === 0) break;
    tracker.update('rollback', { detail: `ramping down: ${target} → ${percent} %` });
    changes++;
    try {
      await stepOf(sw)(ctx, 'rollback', sw, target, switchTools(ctx, 'rollback', changes), percent);
    } catch (err) {
      if (!(err instanceof DeploymentStop)) throw err;
      tracker.update('rollback', { detail: `ramping down to ${percent} % failed (${err.message}): all traffic back at once` });
      break;
    }
    tracker.setWeight({ color: target, percent });
    await sleep(sw.stepPauseMs ?? 0);
  }
  return changes;
}
