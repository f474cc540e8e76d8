// One HTTP delivery of a rendered notification, and what its failure means: a 4xx (other than
// 408/429) is an answer no retry changes (a deleted Slack hook answers 404 no_service), a 5xx,
// a timeout or a lost connection is worth another attempt.
import { ApplicationFailure } from '@temporalio/common';
import { cleanLine } from './clean.js';

/** A `fetch` as the channels use it (tests and the worker pass the global one). */
export type FetchLike = typeof fetch;

export interface DeliveryOptions {
  fetch: FetchLike;
  /** How long one attempt may wait for the receiver's answer. */
  timeoutMs: number;
}

export const NOTIFICATION_REJECTED = 'NotificationRejected';
export const NOTIFICATION_FAILED = 'NotificationFailed';

/** "404 no_service": the status and the first words of the receiver's answer (sanitised). */
export function describeAnswer(status: number, body: string): string {
  const words = cleanLine(body, 120);
  return words ? `${status} ${words}` : `HTTP ${status}`;
}

export function rejected(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: NOTIFICATION_REJECTED, message, nonRetryable: true });
}

export function failed(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: NOTIFICATION_FAILED, message });
}

/** The failure for an HTTP answer that was not a success. */
export function answerFailure(status: number, body: string): ApplicationFailure {
  const message = describeAnswer(status, body);
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? rejected(message) : failed(message);
}

/** The failure for a request that got no answer. */
export function transportFailure(err: unknown, timeoutMs: number): ApplicationFailure {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return failed(`no answer within ${timeoutMs} ms`);
  const code = e?.cause?.code;
  return failed(
    cleanLine(code ? `cannot reach the receiver (${code})` : `cannot reach the receiver: ${e?.message ?? String(err)}`, 200),
  );
}

/** POSTs `body` and resolves with the status of a 2xx answer; anything else throws an ApplicationFailure. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: DeliveryOptions,
): Promise<number> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw transportFailure(err, options.timeoutMs);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) throw answerFailure(response.status, text);
  return response.status;
}
