// List semantics shared by GitHub's list endpoints: per_page/page with a Link header, and the
// `created` date filter of the workflow-runs lists (search syntax: >=, <=, >, <, a..b, a date).
import { unprocessable } from './errors.js';

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

export function paginate<T>(items: T[], query: URLSearchParams, selfUrl: string): Page<T> {
  const perPage = clamp(Number(query.get('per_page') ?? 30) || 30, 1, 100);
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string): string => {
    const url = new URL(selfUrl);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}

const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.floor(n)));

/** A predicate over ISO timestamps for GitHub's `created` parameter. */
export function createdFilter(expression: string | null): (iso: string) => boolean {
  if (!expression) return () => true;
  const expr = expression.trim();
  const range = /^(.+)\.\.(.+)$/.exec(expr);
  if (range) {
    const from = parseBound(range[1]!, 'start');
    const to = parseBound(range[2]!, 'end');
    return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
  }
  const op = /^(>=|<=|>|<)(.+)$/.exec(expr);
  if (op) {
    const operator = op[1]!;
    const bound = parseBound(
      op[2]!,
      operator.startsWith('>') ? (operator === '>' ? 'end' : 'start') : operator === '<' ? 'start' : 'end',
    );
    return (iso) => {
      const t = Date.parse(iso);
      return operator === '>=' ? t >= bound : operator === '<=' ? t <= bound : operator === '>' ? t > bound : t < bound;
    };
  }
  const from = parseBound(expr, 'start');
  const to = parseBound(expr, 'end');
  return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
}

/** A bare date (YYYY-MM-DD) stands for its whole day; `*` is unbounded. */
function parseBound(text: string, side: 'start' | 'end'): number {
  const value = text.trim();
  if (value === '*') return side === 'start' ? -Infinity : Infinity;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = Date.parse(`${value}T00:00:00Z`);
    return side === 'start' ? day : day + 86_400_000 - 1;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw unprocessable(`Invalid created parameter: ${text}`);
  return t;
}
