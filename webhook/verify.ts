// GitHub webhook checks that do not need Temporal: the HMAC signature over the raw body, and a
// bounded memory of delivery ids already handled.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` is `sha256=<hex>` of HMAC-SHA256(secret, body). Compared in constant
 * time; a header of the wrong shape or length is false without comparing.
 */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!secret) return false;
  return signatureMatches(createHmac('sha256', secret).update(body).digest(), header);
}

/** True when `header` is `sha256=<hex>` of `digest` (an HMAC computed while the body streamed in). */
export function signatureMatches(digest: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  // Buffer.from(..., 'hex') stops at the first non-hex character: a mangled header is short.
  if (given.length !== digest.length) return false;
  return timingSafeEqual(given, digest);
}

/** Remembers the last `capacity` keys (oldest forgotten first). */
export class RecentKeys {
  private readonly set = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  has(key: string): boolean {
    return this.set.has(key);
  }

  add(key: string): void {
    this.set.delete(key);
    this.set.add(key);
    while (this.set.size > this.capacity) {
      const oldest = this.set.values().next().value as string;
      this.set.delete(oldest);
    }
  }

  delete(key: string): void {
    this.set.delete(key);
  }

  /** Oldest first. */
  keys(): string[] {
    return [...this.set];
  }
}
