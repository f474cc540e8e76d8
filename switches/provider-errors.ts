// How the weighted switches' activities tell Temporal whether a provider's failure is worth a
// retry: a request AWS refuses as the client's fault (no such rule, access denied, bad input), a
// missing credential, an HAProxy refusal or a target that is not as the switch needs it will not
// change by asking again; throttling, the network and a read-back that differs may.
import { ApplicationFailure } from '@temporalio/activity';
import { inertText } from '../contract/sanitize.js';

/** Provider errors the SDKs mark as the client's fault but that pass with time. */
const TRANSIENT = /Throttl|TooManyRequests|PriorRequestNotComplete|RequestLimitExceeded|Timeout/i;

/** An ApplicationFailure for `err`, retryable or not, its message prefixed with `where`. */
export function providerFailure(where: string, err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = err as { name?: string; message?: string; $fault?: string; code?: string; transient?: boolean };
  const message = `${where}: ${inertText(e.message ?? String(err), 400)}`;
  const name = e.name ?? 'Error';
  if (e.transient || /reads .* after setting/.test(e.message ?? ''))
    return ApplicationFailure.retryable(message, 'SwitchUnavailable');
  if (name === 'CredentialsProviderError') {
    return ApplicationFailure.nonRetryable(
      `${message} (the worker finds AWS credentials by the default chain: environment, profile, container or instance role)`,
      'SwitchUnauthorized',
    );
  }
  if (e.$fault === 'client' && !TRANSIENT.test(name)) return ApplicationFailure.nonRetryable(message, 'SwitchRejected');
  if (e.code === 'EACCES')
    return ApplicationFailure.nonRetryable(`${message} (the worker may not open the socket)`, 'SwitchUnauthorized');
  // Our own checks of what the provider holds (not found, a third target group, HAProxy's refusal).
  if (name === 'Error' && !e.code && e.$fault === undefined) return ApplicationFailure.nonRetryable(message, 'SwitchRejected');
  return ApplicationFailure.retryable(message, 'SwitchUnavailable');
}
