// What every activity proxy shares, for the workflow and the plug-ins' workflow steps alike (a step
// makes its own proxies from these, so its calls carry the same options as the workflow's).
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_GITHUB_ERRORS } from './github-error-types.js';

/** Errors that no retry can fix: GitHub's 4xx answers (bad credentials, unknown workflow …), bad config. */
export const NON_RETRYABLE_ERRORS = [...NON_RETRYABLE_GITHUB_ERRORS, 'ConfigError'];

export const retryPolicy = (maximumAttempts: number, maximumInterval = '30s'): RetryPolicy => ({
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval,
  maximumAttempts,
  nonRetryableErrorTypes: NON_RETRYABLE_ERRORS,
});

/**
 * Short calls that do not heartbeat: one HTTP request with its own timeout (a probe 5 s, the
 * HTTP switch 10 s). A dead worker's call is retried after this start-to-close, well inside
 * `timeouts.heartbeat` plus Temporal's sticky-queue timeout (5 s).
 */
export const QUICK_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15s',
  retry: retryPolicy(8),
};
