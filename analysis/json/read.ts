// The generic JSON-over-HTTP source: GET a URL (placeholders filled in, URL-encoded), take the
// number at a JSON pointer. Enough for Datadog's, CloudWatch's or an in-house metrics endpoint
// without code. Failures read like the Prometheus ones: a missing field is "no data" (noData
// decides), a server or network failure is retried and then reported, never a pass. The answer
// is read up to MAX_ANSWER_BYTES; a value that is not a number is named by its type, an error
// body by its status and a short inert excerpt: nothing else of the answer reaches a status.
import { egressRefusal, guardedFetch } from '../../activities/guarded-fetch.js';
import { readCapped } from '../../activities/read-capped.js';
import { excerpt, typeOfValue } from '../../contract/sanitize.js';
import type { SourceAnswer, SourceOptions, SourceReader } from '../metric-measure.js';
import { planHeaders } from '../metric-headers.js';
import { fillPlaceholders } from '../metric-plan.js';

/**
 * RFC 6901 pointer ("/data/0/value") or the dotted form ("$.data[0].value") to segments.
 * Throws on a malformed one (config validation uses this too).
 */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '' ? [] : [''];
  if (pointer.startsWith('/'))
    return pointer
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (pointer.startsWith('$')) {
    const segments: string[] = [];
    const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[["']([^"']+)["']\]/gy;
    re.lastIndex = 1;
    let match: RegExpExecArray | null;
    while (re.lastIndex < pointer.length && (match = re.exec(pointer))) segments.push(match[1] ?? match[2] ?? match[3]!);
    if (re.lastIndex !== pointer.length)
      throw new Error(`cannot read "${pointer}" after position ${re.lastIndex}: use $.a.b[0] or /a/b/0`);
    return segments;
  }
  throw new Error(
    `"${pointer}" is not a JSON pointer: start it with "/" (RFC 6901, like /data/0/value) or "$." (like $.data[0].value)`,
  );
}

/** The value at `segments`, or why there is none. */
export function valueAt(document: unknown, segments: string[]): SourceAnswer {
  let here: unknown = document;
  for (const [i, segment] of segments.entries()) {
    const container = here as Record<string, unknown> | unknown[] | null;
    const next = Array.isArray(container)
      ? container[Number(segment)]
      : container && typeof container === 'object'
        ? container[segment]
        : undefined;
    if (next === undefined) {
      return { kind: 'empty', what: `the answer has nothing at /${segments.slice(0, i + 1).join('/')}` };
    }
    here = next;
  }
  if (here === null) return { kind: 'empty', what: 'the value is null' };
  if (typeof here === 'number') return { kind: 'value', value: here };
  if (typeof here === 'string' && here.trim() !== '' && !Number.isNaN(Number(here)))
    return { kind: 'value', value: Number(here) };
  if (here === 'NaN') return { kind: 'value', value: Number.NaN };
  // Named by its type only: the value may be anything the endpoint holds (a key, a token).
  return { kind: 'unsupported', resultType: typeOfValue(here) };
}

/** A metrics answer is read up to this many bytes; longer is "not JSON" (a cut document). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function jsonReader(options: SourceOptions = {}): SourceReader {
  const doFetch = options.fetch ?? guardedFetch;
  const redact = options.redact ?? ((t: string) => t);
  return async (source, values) => {
    if (source.type !== 'json') throw new Error(`jsonReader cannot read a ${source.type} source`);
    const url = fillPlaceholders(source.url, values, encodeURIComponent);
    const segments = pointerSegments(source.pointer);
    const attempts = Math.max(1, options.attempts ?? 3);
    const timeoutMs = options.timeoutMs ?? 5_000;
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep((options.backoffMs ?? 250) * 2 ** (attempt - 2));
      try {
        const res = await doFetch(url, {
          headers: { accept: 'application/json', ...planHeaders(source.headers), ...options.headersFor?.(url) },
          signal: AbortSignal.timeout(timeoutMs),
          // The worker's secret headers go to the listed prefix only, never to where it redirects.
          redirect: 'manual',
        });
        const { text } = await readCapped(res, MAX_ANSWER_BYTES);
        if (res.status >= 500 || res.status === 429) {
          lastError = `HTTP ${res.status} from ${url}`;
          continue;
        }
        if (!res.ok) {
          const why = res.status >= 300 && res.status < 400 ? 'a redirect, not followed' : excerpt(text);
          return {
            answer: { kind: 'unavailable', attempts: attempt, error: redact(`HTTP ${res.status} from ${url}: ${why}`) },
            resolved: url,
          };
        }
        let document: unknown;
        try {
          document = JSON.parse(text);
        } catch {
          return { answer: { kind: 'unsupported', resultType: 'an answer that is not JSON' }, resolved: url };
        }
        return { answer: valueAt(document, segments), resolved: `${url} ${source.pointer}` };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        lastError =
          e.name === 'TimeoutError'
            ? `no answer from ${url} within ${timeoutMs} ms`
            : `cannot reach ${url}: ${excerpt(egressRefusal(err) ?? e.cause?.code ?? e.message)}`;
      }
    }
    return { answer: { kind: 'unavailable', attempts, error: redact(lastError) }, resolved: url };
  };
}
