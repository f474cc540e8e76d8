// Activity stubs with their timeouts and retry policies, one proxy per kind of work.
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { QUICK_ACTIVITY_OPTIONS, retryPolicy as retry } from '../contract/activity-options.js';
import type { BlueGreenActivities } from './activity-types.js';
import type { DeploymentPlan } from '../contract/types.js';

/** Short calls that do not heartbeat (QUICK_ACTIVITY_OPTIONS). */
export const quick = proxyActivities<BlueGreenActivities>(QUICK_ACTIVITY_OPTIONS);

/**
 * Lookups in the worker's own memory (its policy): run inside the workflow task that asks, so
 * the answer costs no round trip through the server (a marker in the history, no activity task).
 */
export const inWorkerLookups = proxyLocalActivities<BlueGreenActivities>({
  startToCloseTimeout: QUICK_ACTIVITY_OPTIONS.startToCloseTimeout!,
  retry: retry(8),
});

/** `timeouts.heartbeat` of the plan; plans of older clients have none. */
const heartbeatTimeout = (plan: DeploymentPlan, fallbackMs: number): number => plan.timeouts?.heartbeatMs ?? fallbackMs;

/**
 * Short GitHub calls (a branch head, a merge, a Deployment record, a run cancel). They heartbeat
 * while a request, a retry backoff, a write-spacing turn or a rate-limit wait holds them
 * (activities/heartbeat.ts keepAlive), so a dead worker's call is retried after the heartbeat
 * timeout, not after a long start-to-close; the start-to-close only bounds a live but stuck one.
 */
export function gitHubCalls(plan: DeploymentPlan) {
  return proxyActivities<BlueGreenActivities>({
    startToCloseTimeout: '2m',
    heartbeatTimeout: heartbeatTimeout(plan, 20_000),
    retry: retry(8),
  });
}

/**
 * The dispatch looks its run up before sending, so retrying it never dispatches twice. An
 * attempt may look for a lost dispatch's run for the plan's window, then send it again and find
 * that run: room for both (a longer window goes on in the next attempt, from the heartbeat).
 */
export function dispatcher(plan: DeploymentPlan) {
  return proxyActivities<BlueGreenActivities>({
    startToCloseTimeout: Math.max(180_000, (plan.deploy.dispatchWindowMs ?? 90_000) + 120_000),
    heartbeatTimeout: heartbeatTimeout(plan, 30_000),
    retry: retry(10),
  });
}

/** Long waits that heartbeat: a dead worker is noticed within the heartbeat timeout. */
export function waiting(plan: DeploymentPlan, maxWaitMs: number) {
  return proxyActivities<BlueGreenActivities>({
    startToCloseTimeout: maxWaitMs + 60_000,
    heartbeatTimeout: heartbeatTimeout(plan, 20_000),
    retry: retry(20, '10s'),
  });
}

/**
 * Long waits that heartbeat, cancelled while the workflow goes on: a cancel is awaited until the
 * activity has reported back, so nothing the workflow does next (nor its end) overtakes it.
 */
export function waitingCancelled(plan: DeploymentPlan, maxWaitMs: number) {
  return proxyActivities<BlueGreenActivities>({
    startToCloseTimeout: maxWaitMs + 60_000,
    heartbeatTimeout: heartbeatTimeout(plan, 20_000),
    retry: retry(20, '10s'),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

/** Waiting for a GitHub run: the whole wait, retries included, is bounded by the run timeout. */
export function runWaiter(plan: DeploymentPlan, timeoutMs = plan.deploy.runTimeoutMs) {
  return proxyActivities<BlueGreenActivities>({
    scheduleToCloseTimeout: timeoutMs,
    heartbeatTimeout: heartbeatTimeout(plan, 20_000),
    retry: retry(50, '10s'),
  });
}
