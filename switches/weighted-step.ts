// The workflow side every weighted switch type (alb, route53, haproxy) shares: one idempotent
// activity call that sets `color`'s share (read, write what differs, read back), retried until the
// plan's update timeout, reported in the phase detail. Workflow code: deterministic.
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { SwitchActivities } from './activity-types.js';
import { NON_RETRYABLE_ERRORS } from '../contract/activity-options.js';
import { DeploymentStop } from '../contract/failures.js';
import { formatDuration } from '../contract/format.js';
import type { Color } from '../contract/types.js';
import type { SwitchStepContext, SwitchStepResult } from './switch-type.js';
import type { WeightedSwitchResult } from './weighted-types.js';

/** What a weighted switch plan carries besides its target. */
export interface WeightedPlanBase {
  /** How long a failing update is retried (it is idempotent) before the switch fails. */
  updateTimeoutMs: number;
}

/** The activities of the weighted switch types, by name (activities/types.ts lists them all). */
export type WeightedActivityName = 'switchViaAlb' | 'switchViaRoute53' | 'switchViaHaproxy';

function updater(sw: WeightedPlanBase, attemptMs: number) {
  return proxyActivities<SwitchActivities>({
    scheduleToCloseTimeout: Math.max(sw.updateTimeoutMs, attemptMs),
    startToCloseTimeout: attemptMs,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: NON_RETRYABLE_ERRORS },
  });
}

const shares = (w: { blue: number; green: number }) => `blue ${w.blue} %, green ${w.green} %`;

/**
 * Sets `color` to `percent` of the traffic through `activity` (attempts bounded by `attemptMs`),
 * saying so in the phase detail. Any failure is a DeploymentStop: the caller reads where traffic
 * is and decides.
 */
export async function setWeights<T>(
  { tracker }: SwitchStepContext,
  phase: 'switch' | 'rollback',
  sw: WeightedPlanBase,
  request: { activity: WeightedActivityName; target: T; where: string; color: Color; percent: number; attemptMs: number },
): Promise<SwitchStepResult> {
  const { activity, target, where, color, percent } = request;
  tracker.update(phase, { detail: `${where}: ${color} → ${percent} %` });
  let result: WeightedSwitchResult;
  try {
    const call = updater(sw, request.attemptMs)[activity] as (input: unknown) => Promise<WeightedSwitchResult>;
    result = await call({ target, color, percent });
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw new DeploymentStop(
      'FAILED',
      `${where}: setting ${color} to ${percent} % failed: ${lastMessage(err, sw.updateTimeoutMs)}`,
    );
  }
  tracker.update(phase, {
    detail: result.wrote
      ? `${where}: ${shares(result.after)} (was ${shares(result.before)})`
      : `${where} already had ${shares(result.after)}: nothing written`,
  });
  if (result.ttlSeconds === undefined) return {};
  return { recordTtlSeconds: result.ttlSeconds, ...(result.wrote ? { replacedTtlSeconds: result.ttlSeconds } : {}) };
}

function lastMessage(err: unknown, budgetMs: number): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    return err.cause.nonRetryable
      ? err.cause.message
      : `still failing after retrying for ${formatDuration(budgetMs)}: ${err.cause.message}`;
  }
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
