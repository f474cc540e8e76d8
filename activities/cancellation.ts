// The activity's cancellation, for code that also runs outside an activity (the CLI reuses
// the probes). Network calls take the signal so cancelling aborts them; callers rethrow the
// `CancelledFailure` rather than report an aborted request as a network error.
import { CancelledFailure, Context } from '@temporalio/activity';

/** The current activity's cancellation signal, or undefined outside an activity. */
export function currentCancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** The cancellation to rethrow when the current activity has been cancelled. */
export function cancellationOfCurrentActivity(): CancelledFailure | undefined {
  const signal = currentCancellationSignal();
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure('activity cancelled');
}

export function throwIfCancelled(): void {
  const cancelled = cancellationOfCurrentActivity();
  if (cancelled) throw cancelled;
}
