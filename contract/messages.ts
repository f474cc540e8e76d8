// Signals, queries and updates of blueGreenDeployment. Side-effect free so the CLI can
// import it without loading workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeploymentStatus } from './types.js';
import { DECISIONS } from './vocabulary.js';

export const WORKFLOW_TYPE = 'blueGreenDeployment';
export const DEFAULT_TASK_QUEUE = 'bluegreen';
export const workflowIdFor = (service: string): string => `bluegreen-${service}`;

export interface ApproveInput {
  by: string;
  comment?: string;
}
export interface ReasonInput {
  by: string;
  reason: string;
}
export interface PromoteInput {
  by: string;
}

export const approveSignal = defineSignal<[ApproveInput]>(DECISIONS.approve.signal);
export const rejectSignal = defineSignal<[ReasonInput]>(DECISIONS.reject.signal);
export const rollbackSignal = defineSignal<[ReasonInput]>(DECISIONS.rollback.signal);
export const abortSignal = defineSignal<[ReasonInput]>(DECISIONS.abort.signal);
export const promoteSignal = defineSignal<[PromoteInput]>(DECISIONS.promote.signal);

/**
 * A GitHub Actions run finished, as a `workflow_run` webhook told the receiver
 * (`bluegreen webhook`). Only a wake-up call: the deployment reads the run from the API at once
 * instead of at its next poll, so a forged or replayed signal cannot decide an outcome.
 */
export interface RunCompletedInput {
  runId: number;
  conclusion?: string;
  /** `<deploymentId>.<step>` from the run's name, for the logs. */
  correlationId?: string;
}
export const runCompletedSignal = defineSignal<[RunCompletedInput]>('runCompleted');

/**
 * verify with metrics and verify.tests: the verifyWindow activity tells
 * its own workflow that the health checks passed, so the tests start while it goes on with the
 * metrics. Only a go-ahead for the tests, with the token the workflow handed the activity;
 * whether verify passed comes from the activity's result (workflows/phases/verify-window.ts).
 */
export interface VerifyHealthyInput {
  token: string;
}
export const verifyHealthySignal = defineSignal<[VerifyHealthyInput]>('verifyHealthy');

/**
 * A dispatch's answer was lost: the dispatch activity looks for its run until `until` (ms)
 * before sending it again, and says so through this signal so the status can. Status text only:
 * a forged signal changes no decision (the correlation id must be the running dispatch's).
 */
export interface DispatchAnswerLostInput {
  correlationId: string;
  lostAt: number;
  until: number;
}
export const dispatchAnswerLostSignal = defineSignal<[DispatchAnswerLostInput]>('dispatchAnswerLost');

export const statusQuery = defineQuery<DeploymentStatus>('status');

/** Answer of the decision updates: whether it counted, and why not. */
export interface DecisionResult {
  accepted: boolean;
  message: string;
}
/** Same inputs as the signals, but the caller learns at once whether it counted. */
export const approveUpdate = defineUpdate<DecisionResult, [ApproveInput]>(DECISIONS.approve.update);
export const rejectUpdate = defineUpdate<DecisionResult, [ReasonInput]>(DECISIONS.reject.update);
export const rollbackUpdate = defineUpdate<DecisionResult, [ReasonInput]>(DECISIONS.rollback.update);
export const abortUpdate = defineUpdate<DecisionResult, [ReasonInput]>(DECISIONS.abort.update);
export const promoteUpdate = defineUpdate<DecisionResult, [PromoteInput]>(DECISIONS.promote.update);

/** Search attributes (Keyword) kept current by the workflow (spelled once, in search-attributes.ts). */
export { SEARCH_ATTRIBUTES } from './search-attributes.js';

/** Signal payload limits: anything longer is cut, never stored whole in history. */
export const MAX_NAME_LENGTH = 100;
export const MAX_TEXT_LENGTH = 2000;

/**
 * Retry a failed step (`onFailure: ask`): a new dispatch with a new correlation id, or the verify
 * again. Giving up is `abort`. The reason is optional ("runner flaked").
 */
export interface RetryInput {
  by: string;
  reason?: string;
}
export const retrySignal = defineSignal<[RetryInput]>(DECISIONS.retry.signal);
export const retryUpdate = defineUpdate<DecisionResult, [RetryInput]>(DECISIONS.retry.update);
/** Switch now although a switch window is closed or a freeze applies; an approver, with a reason (recorded). */
export const overrideWindowSignal = defineSignal<[ReasonInput]>(DECISIONS.override.signal);
export const overrideWindowUpdate = defineUpdate<DecisionResult, [ReasonInput]>(DECISIONS.override.update);
