// An activity interceptor that removes every secret of the worker's store from the message of
// any failure an activity throws (and of its causes), before Temporal writes it to the history
// in clear: a library that echoes a header, or a multi-line key that made a request fail,
// cannot carry a secret there.
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SecretStore } from './secrets.js';

function scrub(err: unknown, secrets: SecretStore, depth = 0): void {
  if (!(err instanceof Error) || depth > 5) return;
  const message = secrets.redact(err.message);
  if (message !== err.message) err.message = message;
  if (typeof err.stack === 'string') err.stack = secrets.redact(err.stack);
  scrub((err as { cause?: unknown }).cause, secrets, depth + 1);
}

export function redactingActivityInterceptors(secrets: SecretStore): ActivityInterceptorsFactory {
  return () => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (err) {
          scrub(err, secrets);
          throw err;
        }
      },
    };
    return { inbound };
  };
}
