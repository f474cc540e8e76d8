// Conditional requests: GitHub answers a matching If-None-Match with 304 and an empty body,
// and such answers do not cost rate limit (the reason pollers should send them).
import { createHash } from 'node:crypto';

export const etagOf = (body: unknown): string =>
  `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 40)}"`;

const strip = (tag: string): string => tag.trim().replace(/^W\//, '');

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => strip(tag) === strip(etag));
}
