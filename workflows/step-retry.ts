// onFailure: ask — a failed deploy, test or hook run, or a failed verify, waits for a human
// instead of ending the deployment: `retry` runs the step again (a new dispatch, with the
// attempt number in its correlation id), `abort` gives up as `fail` would have. Nobody within
// `retryTimeout`: the configured default. One durable timer per failure, no polling.
import { condition } from '@temporalio/workflow';
import type { CleanDecision } from './decisions.js';
import { DeploymentStop } from '../contract/failures.js';
import { formatDuration } from '../contract/format.js';
import type { DeploymentStatus, PhaseName, StepFailurePolicy } from '../contract/types.js';
import type { StatusTracker } from './status-tracker.js';
import { beforeTraffic } from '../contract/vocabulary.js';
import { decisionCommand } from '../contract/commands.js';

/** The decisions a waiting step reads; the handlers set them, the step clears `retry` once used. */
export interface RetryDecisions {
  retry?: CleanDecision;
  abort?: CleanDecision;
}

export interface RetryStep<T> {
  /** The phase the step reports under, e.g. 'deploy', 'verify', 'preSwitch:migrate'. */
  phase: PhaseName;
  /** The step's name in `stepFailure` and `attempts` when a phase retries several (verify.tests: `test-e2e`). @default phase */
  step?: NonNullable<DeploymentStatus['stepFailure']>['step'];
  /** Steps running side by side share one: their failures ask in turn, so one `retry` answers one failure. */
  asking?: Turns;
  policy: StepFailurePolicy | undefined;
  service: string;
  /** Where the failure waiting for a decision, and the attempts, are shown. */
  tracker: Pick<StatusTracker, 'setStepFailure' | 'countAttempt'>;
  decisions: RetryDecisions;
  /** One attempt (1, 2, …); a failure throws DeploymentStop. */
  run: (attempt: number) => Promise<T>;
}

export async function runWithRetry<T>(step: RetryStep<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step.run(attempt);
    } catch (err) {
      if (!(err instanceof DeploymentStop)) throw err;
      if ((await decideAfterFailure(step, attempt, err.message)) !== 'retry') {
        // Given up by a human before traffic moved: their abort, traffic untouched.
        const abort = step.decisions.abort;
        if (abort && beforeTraffic(step.phase)) {
          throw new DeploymentStop(
            'ABORTED',
            `aborted by ${abort.by}: ${abort.text ?? 'no reason given'} (after ${step.phase} failed: ${err.message})`,
          );
        }
        throw err;
      }
      step.tracker.countAttempt(step.step ?? step.phase, attempt + 1);
    }
  }
}

/** A queue of turns (`oneAtATime()`): each `take` runs once the ones before it settled. */
export type Turns = <T>(ask: () => Promise<T>) => Promise<T>;

export function oneAtATime(): Turns {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(ask: () => Promise<T>) => {
    const mine = last.then(ask);
    last = mine.catch(() => undefined);
    return mine;
  };
}

async function decideAfterFailure<T>(step: RetryStep<T>, attempt: number, error: string): Promise<'retry' | 'abort'> {
  const { policy } = step;
  if (!policy || attempt > policy.maxRetries) return 'abort';
  return step.asking ? step.asking(() => ask(step, policy, attempt, error)) : ask(step, policy, attempt, error);
}

async function ask<T>(step: RetryStep<T>, policy: StepFailurePolicy, attempt: number, error: string): Promise<'retry' | 'abort'> {
  const { tracker, decisions } = step;
  const name = step.step ?? step.phase;
  const decideBy = new Date(Date.now() + policy.retryTimeoutMs).toISOString();
  tracker.setStepFailure(
    { step: name, error: error.slice(0, 500), attempt, decideBy, otherwise: policy.default },
    `a decision on the failed ${name} (attempt ${attempt} of at most ${policy.maxRetries + 1}): ` +
      `${decisionCommand('retry', step.service, '[--reason "..."]')} or ${decisionCommand('abort', step.service, '--reason "..."')}` +
      ` (otherwise ${policy.default} in ${formatDuration(policy.retryTimeoutMs)})`,
  );
  try {
    const decided = await condition(() => decisions.retry !== undefined || decisions.abort !== undefined, policy.retryTimeoutMs);
    const choice = decided ? (decisions.retry ? 'retry' : 'abort') : policy.default;
    delete decisions.retry;
    return choice;
  } finally {
    // Also when the wait is cancelled (another verify test failed for good): no stale question.
    tracker.setStepFailure(undefined, undefined);
  }
}
