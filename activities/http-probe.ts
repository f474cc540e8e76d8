// One HTTP probe that never throws for a bad answer: a timeout, a refused connection, an error
// status, a body that is not JSON or names the wrong color all come back as a reason string
// a human can read in the status. Only the activity's cancellation is thrown. The body is read
// up to a byte cap within the probe's timeout (an endless answer costs 64 KiB and the timeout),
// and every piece of the answer that reaches a reason (body snippet, error text, color) is made
// inert here, at the source, before it enters a status or a history (contract/sanitize.ts).
// Requests go through the guarded fetch: never to a link-local or metadata address.
import { inertText } from '../contract/sanitize.js';
import type { Color } from '../contract/types.js';
import { cancellationOfCurrentActivity, currentCancellationSignal } from './cancellation.js';
import { egressRefusal, guardedFetch } from './guarded-fetch.js';
import { DEFAULT_BODY_CAP_BYTES, readCapped } from './read-capped.js';

export type ProbeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Longest body read from a probe, in bytes; health and color answers are tiny. */
const MAX_BODY_BYTES = DEFAULT_BODY_CAP_BYTES;

/** Network error codes in words (undici puts them on `err.cause.code`). */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
};

function networkReason(err: unknown, url: string, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError')
    return `timeout: no answer from ${url} within ${timeoutMs}ms`;
  const refused = egressRefusal(err);
  if (refused) return `${refused}: ${url}`;
  const code = e?.cause?.code;
  if (code) return `${NETWORK_REASONS[code] ?? code}: ${url}`;
  return `request to ${url} failed: ${inertText(e?.cause?.message ?? e?.message ?? String(err), 200)}`;
}

/** A body as a short inert line: no control characters, escape sequences or line breaks. */
const snippet = (text: string): string => inertText(text, 81);

/**
 * GETs `url` within `timeoutMs`. Resolves with the status and body text for a 2xx answer, a
 * reason otherwise. Rejects only with `CancelledFailure` when the activity is cancelled.
 */
export async function probeGet(url: string, timeoutMs: number): Promise<ProbeResult<{ status: number; body: string }>> {
  const cancellation = currentCancellationSignal();
  const signals = [AbortSignal.timeout(timeoutMs), ...(cancellation ? [cancellation] : [])];
  try {
    // The timeout covers the body too: the signal stays attached while it streams in.
    const response = await guardedFetch(url, {
      signal: AbortSignal.any(signals),
      // A fresh connection per probe, like a load balancer's health check: a pooled socket
      // would hide an app that no longer accepts connections, and a half-closed one would
      // fail a healthy app.
      headers: { accept: 'application/json', 'cache-control': 'no-cache', connection: 'close' },
      // A health endpoint that redirects elsewhere is not the health of this environment.
      redirect: 'manual',
    });
    const { text: body } = await readCapped(response, MAX_BODY_BYTES);
    if (response.status < 200 || response.status >= 300) {
      const text = snippet(body);
      return { ok: false, reason: `HTTP ${response.status} from ${url}${text ? `: ${text}` : ''}` };
    }
    return { ok: true, value: { status: response.status, body } };
  } catch (err) {
    const cancelled = cancellationOfCurrentActivity();
    if (cancelled) throw cancelled;
    return { ok: false, reason: networkReason(err, url, timeoutMs) };
  }
}

/** GET `url` and read `{"color": "blue" | "green"}` from it. */
export async function probeColor(url: string, timeoutMs: number): Promise<ProbeResult<Color>> {
  const answer = await probeGet(url, timeoutMs);
  if (!answer.ok) return answer;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.value.body);
  } catch {
    return { ok: false, reason: `non-JSON body from ${url}: ${JSON.stringify(snippet(answer.value.body))}` };
  }
  const color = (parsed as { color?: unknown } | null)?.color;
  if (typeof color !== 'string') return { ok: false, reason: `no "color" field in the answer from ${url}` };
  const normalized = color.trim().toLowerCase();
  if (normalized !== 'blue' && normalized !== 'green')
    return { ok: false, reason: `unknown color ${JSON.stringify(inertText(color, 40))} from ${url}` };
  return { ok: true, value: normalized };
}

/** `base` + `path` without doubled or missing slashes. */
export function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
