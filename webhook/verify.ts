// GitHub webhook checks that do not need Temporal: the HMAC signature over the raw body, and a
// bounded memory of delivery ids already handled.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` is `sha256=<hex>` of HMAC-SHA256(secret, body). Compared in constant
 * time; a header of the wrong shape or length is false without comparing.
 */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!secret || typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  // Buffer.from(..., 'hex') stops at the first non-hex character: a mangled header is short.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

/** Remembers the last `capacity` keys (oldest forgotten first). */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    while (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
  }

  delete(key: string): void {
    this.keys.delete(key);
  }
}
