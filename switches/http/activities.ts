// Moves traffic through an app router's HTTP endpoint (app-based blue/green). Setting the
// color is a state, not a toggle, so sending it twice is harmless and retries are safe.
import { ApplicationFailure } from '@temporalio/activity';
import { currentCancellationSignal, throwIfCancelled } from '../../activities/cancellation.js';
import { guardedFetch } from '../../activities/guarded-fetch.js';
import { readCapped } from '../../activities/read-capped.js';
import { inertText } from '../../contract/sanitize.js';
import type { SwitchCredentialOptions } from '../credentials.js';
import { routerToken } from './policy.js';
import type { HttpSwitchInput } from './types.js';

/** The router's answer is read up to this many bytes: enough for an error message. */
const MAX_ANSWER_BYTES = 16 * 1024;

export interface SwitchOptions extends SwitchCredentialOptions {
  /** Timeout of the switch request. @default 10_000 */
  requestTimeoutMs?: number;
}

export function createSwitchActivities(options: SwitchOptions = {}) {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;

  async function switchViaHttp(input: HttpSwitchInput): Promise<void> {
    const { envName: tokenEnv, value: token, redact } = routerToken(options, input.url, input.tokenEnv);
    if (!token) {
      throw ApplicationFailure.nonRetryable(
        `The worker's environment has no ${tokenEnv}: set it to the router's bearer token and restart the worker`,
        'SwitchTokenMissing',
      );
    }
    if (/[\r\n]/.test(token.trim())) {
      // A header cannot hold it, and the failure text would carry it.
      throw ApplicationFailure.nonRetryable(`${tokenEnv} spans several lines: a bearer token is one line`, 'SwitchTokenInvalid');
    }
    const cancellation = currentCancellationSignal();
    let response: Response;
    try {
      response = await guardedFetch(input.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.trim()}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ color: input.color }),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(cancellation ? [cancellation] : [])]),
        redirect: 'manual',
      });
    } catch (err) {
      throwIfCancelled();
      const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      const why =
        e.name === 'TimeoutError'
          ? `no answer within ${timeoutMs}ms`
          : inertText(e.cause?.code ?? e.cause?.message ?? e.message ?? String(err), 200);
      // The router may be restarting: retryable. Whether the request landed does not matter
      // because setting the same color again is a no-op.
      throw ApplicationFailure.retryable(redact(`Switch to ${input.color} via ${input.url} failed: ${why}`), 'SwitchUnavailable');
    }
    const body = redact(inertText((await readCapped(response, MAX_ANSWER_BYTES).catch(() => ({ text: '' }))).text, 200));
    if (response.ok) return;
    const what = `Switch to ${input.color} via ${input.url} answered HTTP ${response.status}${body ? `: ${body}` : ''}`;
    if (response.status === 401 || response.status === 403) {
      throw ApplicationFailure.nonRetryable(`${what} (check the token in ${tokenEnv})`, 'SwitchUnauthorized');
    }
    // Other 4xx: the request itself is wrong (URL, color); resending it cannot help.
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw ApplicationFailure.nonRetryable(what, 'SwitchRejected');
    }
    throw ApplicationFailure.retryable(what, 'SwitchUnavailable');
  }

  return { switchViaHttp };
}
