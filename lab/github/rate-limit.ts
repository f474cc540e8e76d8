// GitHub's primary rate limit, one bucket for the lab. Every answer carries the headers;
// an empty bucket answers 403 like GitHub so throttling plugins can be exercised.
export interface RateLimitSettings {
  limit?: number;
  remaining?: number;
  /** When the window resets, from now. */
  resetInMs?: number;
  /**
   * When the window resets, from the first request the empty bucket refuses: tests then see
   * the same wait however long the deployment took to send its first request.
   */
  resetAfterFirstRefusalMs?: number;
}

const WINDOW_MS = 60 * 60 * 1000;

export class RateLimiter {
  private limit = 5000;
  private used = 0;
  private resetAtMs = Date.now() + WINDOW_MS;
  private resetAfterFirstRefusalMs: number | undefined;

  set(settings: RateLimitSettings): void {
    if (settings.limit !== undefined) this.limit = settings.limit;
    if (settings.remaining !== undefined) this.used = Math.max(0, this.limit - settings.remaining);
    if (settings.resetInMs !== undefined) this.resetAtMs = Date.now() + settings.resetInMs;
    if (settings.resetAfterFirstRefusalMs !== undefined) {
      this.resetAfterFirstRefusalMs = settings.resetAfterFirstRefusalMs;
      this.resetAtMs = Number.POSITIVE_INFINITY;
    }
  }

  exhausted(): boolean {
    this.roll();
    const empty = this.used >= this.limit;
    if (empty && this.resetAfterFirstRefusalMs !== undefined) {
      this.resetAtMs = Date.now() + this.resetAfterFirstRefusalMs;
      this.resetAfterFirstRefusalMs = undefined;
    }
    return empty;
  }

  consume(): void {
    this.roll();
    this.used++;
  }

  headers(): Record<string, string> {
    this.roll();
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'x-ratelimit-reset': String(Math.ceil(this.resetAtMs / 1000)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
    };
  }

  private roll(): void {
    if (Date.now() < this.resetAtMs) return;
    this.used = 0;
    this.resetAtMs = Date.now() + WINDOW_MS;
  }
}
