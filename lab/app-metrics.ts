// What each sample app tells Prometheus about itself (prom-client, one registry per app: the
// two apps live in one process and must not share counters). Named like the conventions of
// most HTTP instrumentation, so docs/analysis.md's queries read the same on a real stack.
import { Counter, Histogram, Registry } from 'prom-client';
import type { Color } from './types.js';

/** Latency buckets (seconds): fine below 100 ms, where the lab's healthy answers are. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The route label: known paths by name, everything else one value (bounded cardinality). */
export function routeOf(path: string): string {
  if (path === '/' || path === '/health' || path === '/metrics') return path;
  if (path === '/deployment/color/' || path === '/deployment/color') return '/deployment/color/';
  return 'other';
}

export class AppMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'color' | 'code' | 'route' | 'version'>;
  private readonly duration: Histogram<'color' | 'route' | 'version'>;

  constructor(private readonly color: Color) {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by status code, route, color and deployed version (commit SHA)',
      labelNames: ['color', 'code', 'route', 'version'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route, color and deployed version',
      labelNames: ['color', 'route', 'version'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  /** Records one answered request (the scrape itself is not counted). */
  observe(route: string, code: number, seconds: number, version: string): void {
    if (route === '/metrics') return;
    this.requests.inc({ color: this.color, code: String(code), route, version });
    this.duration.observe({ color: this.color, route, version }, seconds);
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
