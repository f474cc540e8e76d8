// The Prometheus HTTP API client of the analysis (activity side): one instant query
// (`GET /api/v1/query`) evaluated at a pinned `time=`, so every measurement can be re-run
// later with the same answer. Every kind of result and error has its own outcome and wording:
// an empty vector is "no data" (a quiet service, flagger#883/#1689), never an index error
// (argo-rollouts#1466); a server or network failure is retried, then reported, never a pass.

import { egressRefusal, guardedFetch } from '../../activities/guarded-fetch.js';
import { readCapped } from '../../activities/read-capped.js';
import { excerpt, inertText, typeOfValue } from '../../contract/sanitize.js';

/** A Prometheus answer is read up to this many bytes: an instant query of one series is small. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** What one instant query answered, sorted out. */
export type QueryAnswer =
  /** A scalar, or a vector of exactly one series. May be NaN or ±Infinity. */
  | { kind: 'value'; value: number; series?: string }
  /** A vector with no series: nothing matched at that time. */
  | { kind: 'empty' }
  /** A vector of several series: the query must aggregate them to one. */
  | { kind: 'multi'; series: Array<{ labels: string; value: number }> }
  /** A range vector or a string: not a number to judge (`resultType` with its article: "a matrix"). */
  | { kind: 'unsupported'; resultType: string }
  /** Prometheus refused the query itself (400 bad_data, 422 execution): a query problem, not an outage. */
  | { kind: 'invalid'; status: number; error: string }
  /** No answer after the retries: network error, timeout, 5xx, 429, a non-API answer. */
  | { kind: 'unavailable'; attempts: number; error: string };

export interface InstantQuery {
  /** Prometheus base URL, e.g. https://prometheus.example.com (a path prefix is kept). */
  url: string;
  /** The resolved PromQL (placeholders filled in). */
  query: string;
  /** Evaluation time (ms since the epoch), sent as `time=` in seconds. */
  timeMs: number;
  headers?: Record<string, string>;
  /** Timeout of one request; also sent as Prometheus' own `timeout=`. @default 5_000 */
  timeoutMs?: number;
  /** Attempts for retryable failures. @default 3 */
  attempts?: number;
  /** Wait before the second attempt, doubled after each. @default 250 */
  backoffMs?: number;
  /** @default the guarded fetch (activities/guarded-fetch.ts) */
  fetch?: typeof fetch;
  /** Removes secret values from error texts (the worker's secret store). */
  redact?: (text: string) => string;
}

interface ApiEnvelope {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
}

export function apiUrl(base: string, path: string): URL {
  return new URL(`${base.replace(/\/+$/, '')}${path}`);
}

/** Prometheus' sample values are strings: "1.5", "NaN", "+Inf", "-Inf". */
export function sampleValue(raw: unknown): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  // Named by its type: the answer's content is not quoted.
  if (Number.isNaN(n)) throw new Error(`a sample value that is not a number (${typeOfValue(raw)})`);
  return n;
}

/** `{code="500",color="green"}`: how a series is named in reasons. */
export function seriesName(metric: unknown): string {
  if (!metric || typeof metric !== 'object') return '{}';
  const entries = Object.entries(metric as Record<string, unknown>).filter(([k]) => k !== '__name__');
  const name =
    typeof (metric as Record<string, unknown>)['__name__'] === 'string' ? (metric as Record<string, string>)['__name__'] : '';
  return inertText(`${name}{${entries.map(([k, v]) => `${k}=${JSON.stringify(String(v))}`).join(',')}}`, 200);
}

/** Prometheus' result types (a server answering another is named "an unknown result type", not quoted). */
const RESULT_TYPES = ['matrix', 'vector', 'scalar', 'string'];

/** Sorts a successful envelope's data into an answer. */
export function interpretResult(data: ApiEnvelope['data']): QueryAnswer {
  const resultType = data?.resultType;
  const result = data?.result;
  if (resultType === 'scalar' && Array.isArray(result)) return { kind: 'value', value: sampleValue(result[1]) };
  if (resultType === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return { kind: 'empty' };
    const series = result.map((r: { metric?: unknown; value?: unknown[] }) => ({
      labels: seriesName(r.metric),
      value: sampleValue(r.value?.[1]),
    }));
    if (series.length === 1) return { kind: 'value', value: series[0]!.value, series: series[0]!.labels };
    return { kind: 'multi', series };
  }
  const known = typeof resultType === 'string' && RESULT_TYPES.includes(resultType);
  return { kind: 'unsupported', resultType: known ? `a ${resultType}` : 'an unknown result type' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one instant query; retries what may heal (5xx, 429, network, timeout), not what will not. */
export async function queryInstant(input: InstantQuery): Promise<QueryAnswer> {
  const doFetch = input.fetch ?? guardedFetch;
  const timeoutMs = input.timeoutMs ?? 5_000;
  const attempts = Math.max(1, input.attempts ?? 3);
  const redact = input.redact ?? ((t: string) => t);
  const url = apiUrl(input.url, '/api/v1/query');
  url.searchParams.set('query', input.query);
  url.searchParams.set('time', (input.timeMs / 1000).toFixed(3));
  url.searchParams.set('timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep((input.backoffMs ?? 250) * 2 ** (attempt - 2));
    let status: number;
    let text: string;
    try {
      const res = await doFetch(url, {
        headers: { accept: 'application/json', ...input.headers },
        signal: AbortSignal.timeout(timeoutMs),
        // The worker's secret headers go to the listed prefix only, never to where it redirects.
        redirect: 'manual',
      });
      status = res.status;
      // Capped: a hostile or broken endpoint cannot fill the worker's memory (a cut answer is not JSON).
      ({ text } = await readCapped(res, MAX_ANSWER_BYTES));
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      lastError =
        e.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : `cannot reach ${input.url}: ${excerpt(egressRefusal(err) ?? e.cause?.code ?? e.cause?.message ?? e.message)}`;
      continue;
    }
    let body: ApiEnvelope | undefined;
    try {
      body = JSON.parse(text) as ApiEnvelope;
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300 && body?.status === 'success') {
      try {
        return interpretResult(body.data);
      } catch (err) {
        return { kind: 'unsupported', resultType: `an unreadable answer (${(err as Error).message})` };
      }
    }
    const apiError =
      status >= 300 && status < 400
        ? 'a redirect, not followed (name the final URL)'
        : excerpt(typeof body?.error === 'string' ? body.error : text || `HTTP ${status}`);
    if ((status === 400 || status === 422) && body?.status === 'error') {
      return { kind: 'invalid', status, error: redact(excerpt(`${String(body.errorType ?? 'error')}: ${apiError}`)) };
    }
    lastError = `HTTP ${status} from ${input.url}: ${apiError}`;
    // An answer that is an answer: a redirect, credentials refused, no API at that address. Retrying will not help.
    if (status >= 300 && status < 400) return { kind: 'unavailable', attempts: attempt, error: redact(lastError) };
    if (status === 401 || status === 403)
      return { kind: 'unavailable', attempts: attempt, error: redact(`${lastError} (check the worker's metrics headers)`) };
    if (status === 404)
      return { kind: 'unavailable', attempts: attempt, error: redact(`${lastError} (no Prometheus API at this URL?)`) };
  }
  return { kind: 'unavailable', attempts, error: redact(lastError) };
}

/**
 * Checks that `query` parses, with Prometheus' own parser (`/api/v1/format_query`, Prometheus
 * 2.38 and later): undefined when it does, the parser's message when not, or `unknown` when
 * the server cannot tell (older server, unreachable) so the caller decides what that means.
 */
export async function checkQuerySyntax(
  input: Pick<InstantQuery, 'url' | 'query' | 'headers' | 'fetch' | 'timeoutMs'>,
): Promise<{ ok: true } | { ok: false; error: string } | { ok: 'unknown'; why: string }> {
  const doFetch = input.fetch ?? guardedFetch;
  const url = apiUrl(input.url, '/api/v1/format_query');
  url.searchParams.set('query', input.query);
  try {
    const res = await doFetch(url, {
      headers: { accept: 'application/json', ...input.headers },
      signal: AbortSignal.timeout(input.timeoutMs ?? 5_000),
      redirect: 'manual',
    });
    // Capped like every answer; the parser's message is quoted as one short inert line.
    const { text } = await readCapped(res, MAX_ANSWER_BYTES);
    let body: ApiEnvelope | undefined;
    try {
      body = JSON.parse(text) as ApiEnvelope;
    } catch {
      body = undefined;
    }
    if (res.ok && body?.status === 'success') return { ok: true };
    if (res.status === 400 && body?.errorType === 'bad_data' && typeof body.error === 'string') {
      return { ok: false, error: excerpt(body.error.replace(/^invalid parameter "query": /, '')) };
    }
    return { ok: 'unknown', why: `format_query answered HTTP ${res.status}` };
  } catch (err) {
    return { ok: 'unknown', why: excerpt((err as Error).message) };
  }
}

/** The Prometheus UI at the query and its evaluation time (table view), for the evidence. */
export function graphLink(base: string, query: string, timeMs: number): string {
  const url = apiUrl(base, '/graph');
  const moment = new Date(timeMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
  url.searchParams.set('g0.expr', query);
  url.searchParams.set('g0.tab', '1');
  url.searchParams.set('g0.moment_input', moment);
  return url.toString();
}
