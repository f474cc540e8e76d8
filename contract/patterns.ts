// Name and URL patterns of the worker's policy (`owner/*`, `https://host:*/api`): pure matching
// shared by the worker's plan checks, the switches' credentials and the webhook receiver.

/** `*` any characters but "/", `?` one; whole-string match. */
export function globMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** Whether a policy URL (a port of `*` matches any port) names `url`, both normalized. */
export function urlMatches(entry: string, url: string): boolean {
  if (!entry.includes(':*')) return entry === url;
  const source = entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(':*', ':\\d{1,5}');
  return new RegExp(`^${source}$`).test(url);
}

/** One spelling per URL: lowercase scheme and host, default port dropped, no trailing slash. */
export function normalizeUrl(value: string): string {
  const anyPort = /^(https?:\/\/[^/:]+):\*(?=\/|$)/i.exec(value);
  if (anyPort)
    return `${normalizeUrl(anyPort[1]!)}:*${normalizeUrl(`http://x${value.slice(anyPort[0].length)}`).slice('http://x'.length)}`;
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return value.replace(/\/+$/, '');
  }
}

/**
 * Whether `url` (any http(s) URL; parsed, so every spelling of a host or a path is compared in
 * its canonical form) lies under the policy prefix `prefix`: the same scheme, host and port (a
 * port of `*` matches any) and a path equal to the prefix's or below it at a "/" boundary
 * (`https://p.internal/api` covers `/api/v1/query`, not `/apis`).
 */
export function urlUnderPrefix(prefix: string, url: string): boolean {
  let target: URL;
  let base: URL;
  const anyPort = /^(https?:\/\/[^/]+):\*(\/.*)?$/i.exec(prefix);
  try {
    target = new URL(url);
    base = new URL(anyPort ? `${anyPort[1]!}${anyPort[2] ?? ''}` : prefix);
  } catch {
    return false;
  }
  if (target.username || target.password) return false;
  if (base.protocol !== target.protocol || base.hostname !== target.hostname) return false;
  if (!anyPort && base.port !== target.port) return false;
  const path = base.pathname.replace(/\/+$/, '');
  return path === '' || target.pathname === path || target.pathname.startsWith(`${path}/`);
}
