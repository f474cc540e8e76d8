// Turning activity failures into one sentence for the status, and the internal "stop" that
// unwinds the phase machine to a final outcome.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { NON_RETRYABLE_GITHUB_ERRORS } from './github-error-types.js';
import type { Outcome } from './types.js';

/** Thrown inside the workflow to end it with an outcome; never leaves the workflow. */
export class DeploymentStop extends Error {
  constructor(
    readonly outcome: Outcome,
    message: string,
  ) {
    super(message);
    this.name = 'DeploymentStop';
  }
}

/** The innermost useful message of a failure chain (ActivityFailure → ApplicationFailure …). */
export function describeFailure(err: unknown): string {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof TimeoutFailure) return `${err.activityType} timed out`;
    if (cause instanceof ApplicationFailure && cause.message) return cause.message;
    if (cause) return describeFailure(cause);
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isTimeout(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof TimeoutFailure;
}

/**
 * A failure the deployment's inputs explain (a bad token, a missing branch or workflow, a
 * refused request): GitHub's answer, worth a WARN with its sentence, not an ERROR about a bug.
 */
export function isExpectedFailure(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (NON_RETRYABLE_GITHUB_ERRORS as readonly string[]).includes(cause.type ?? '');
}
