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
