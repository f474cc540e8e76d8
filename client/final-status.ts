// The final status of a finished deployment, whether it completed (SUCCEEDED) or failed with an
// outcome failure (FAILED, ROLLED_BACK, ABORTED: the status rides in the failure's details).
// Any other failure (terminated, timed out, a bug) is thrown as it came.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isOutcomeFailureType } from '../contract/outcome-failure.js';

/** `handle.result()`, with an outcome failure read back as the status it carries. */
export async function finalStatus<H extends { result(): Promise<unknown> }>(
  handle: H,
): Promise<Awaited<ReturnType<H['result']>>> {
  try {
    return (await handle.result()) as Awaited<ReturnType<H['result']>>;
  } catch (err) {
    const carried = statusCarriedBy(err);
    if (carried === undefined) throw err;
    return carried as Awaited<ReturnType<H['result']>>;
  }
}

/** The status an outcome failure carries, or undefined for any other error. */
export function statusCarriedBy(err: unknown): unknown {
  if (!(err instanceof WorkflowFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || !isOutcomeFailureType(cause.type)) return undefined;
  return cause.details?.[0];
}
