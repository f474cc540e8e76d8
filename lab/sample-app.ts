// The two sample apps (blue and green): what the orchestrator probes and what the router
// forwards to. Each is its own HTTP server so a "refused" or slow app is a real one. Each
// exposes Prometheus metrics on /metrics (lab/app-metrics.ts); `errorRate` and `latencyMs`
// faults change what its traffic routes (everything but /health, the color and /metrics) answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppMetrics, routeOf } from './app-metrics.js';
import { listen, sendJson, sendText, sleep, type ListeningServer } from './http.js';
import type { AppFault, Color } from './types.js';

export interface AppState {
  color: Color;
  healthy: boolean;
  /** Commit SHA the app was last deployed from. */
  version: string;
  fault: AppFault;
  deployedAt: string;
  requests: number;
  /** Bytes sent of `endlessBody` answers so far. */
  streamedBytes: number;
}

/** Routes the orchestrator itself uses: never slowed or failed by the traffic knobs. */
const INFRASTRUCTURE_ROUTES = new Set(['/health', '/deployment/color/', '/metrics']);

class SampleApp {
  readonly state: AppState;
  readonly metrics: AppMetrics;
  private listening!: ListeningServer;
  /** Traffic requests so far: errors are spread evenly (exactly `errorRate` of them), not random. */
  private trafficCount = 0;

  constructor(color: Color, version: string) {
    this.state = {
      color,
      healthy: true,
      version,
      fault: {},
      deployedAt: new Date().toISOString(),
      requests: 0,
      streamedBytes: 0,
    };
    this.metrics = new AppMetrics(color);
  }

  get url(): string {
    return this.listening.url;
  }

  async start(port = 0): Promise<void> {
    this.listening = await listen((req, res) => void this.handle(req, res), port);
    // "refuse" drops connections before any HTTP happens, like a crashed process.
    this.listening.server.on('connection', (socket) => {
      if (this.state.fault.refuse) socket.destroy();
    });
  }

  close(): Promise<void> {
    return this.listening.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.state.requests++;
    const { fault, color, version } = this.state;
    if (fault.refuse) {
      req.socket.destroy();
      return;
    }
    const started = performance.now();
    if (fault.delayMs) await sleep(fault.delayMs);
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const route = routeOf(path);
    res.once('finish', () => this.metrics.observe(route, res.statusCode, (performance.now() - started) / 1000, version));
    if (!INFRASTRUCTURE_ROUTES.has(route)) {
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (this.failsThisRequest(fault.errorRate ?? 0)) {
        sendJson(res, 500, { error: 'injected error (lab errorRate)', color, version });
        return;
      }
    }
    if (route === '/metrics') {
      sendText(res, 200, await this.metrics.exposition(), this.metrics.contentType);
    } else if ((path === '/health' || route === '/deployment/color/') && fault.endlessBody) {
      this.streamEndless(res);
    } else if (path === '/health') {
      const healthy = this.state.healthy;
      if (fault.body !== undefined) sendText(res, healthy ? 200 : 503, fault.body);
      else sendJson(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'unhealthy', color, version });
    } else if (path === '/deployment/color/' || path === '/deployment/color') {
      if (fault.body !== undefined) sendText(res, 200, fault.body);
      else if (fault.colorBody === 'not-json') sendText(res, 200, '<html><body>It works!</body></html>', 'text/html');
      else sendJson(res, 200, { color: fault.colorBody === 'wrong-color' ? (color === 'blue' ? 'green' : 'blue') : color });
    } else if (path === '/') {
      sendText(res, 200, `datatruck-api ${color} ${version}\n`);
    } else {
      sendJson(res, 404, { error: 'not found', path });
    }
  }

  /** 200, then 16 KiB every millisecond (while the socket takes them) until the client goes away. */
  private streamEndless(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const timer = setInterval(() => {
      if (res.writableNeedDrain) return;
      res.write(chunk);
      this.state.streamedBytes += chunk.length;
    }, 1);
    res.on('close', () => clearInterval(timer));
  }

  private failsThisRequest(rate: number): boolean {
    const n = this.trafficCount++;
    return rate > 0 && Math.floor((n + 1) * rate) > Math.floor(n * rate);
  }
}

/** Control and inspection of both apps. */
export class SampleApps {
  private readonly apps: Record<Color, SampleApp>;

  constructor(versions: Record<Color, string>) {
    this.apps = { blue: new SampleApp('blue', versions.blue), green: new SampleApp('green', versions.green) };
  }

  async start(ports: Partial<Record<Color, number>> = {}): Promise<void> {
    await Promise.all([this.apps.blue.start(ports.blue), this.apps.green.start(ports.green)]);
  }

  async close(): Promise<void> {
    await Promise.all([this.apps.blue.close(), this.apps.green.close()]);
  }

  url(color: Color): string {
    return this.apps[color].url;
  }

  setHealthy(color: Color, healthy: boolean): void {
    this.apps[color].state.healthy = healthy;
  }

  /** Replaces the app's fault; `{}` clears it. */
  setFault(color: Color, fault: AppFault): void {
    const { errorRate, latencyMs } = fault;
    if (errorRate !== undefined && !(typeof errorRate === 'number' && errorRate >= 0 && errorRate <= 1)) {
      throw new Error(`errorRate must be a fraction from 0 to 1 (0.05 is 5 %), got ${JSON.stringify(errorRate)}`);
    }
    if (latencyMs !== undefined && !(Number.isInteger(latencyMs) && latencyMs >= 0 && latencyMs <= 60_000)) {
      throw new Error(`latencyMs must be whole milliseconds from 0 to 60000, got ${JSON.stringify(latencyMs)}`);
    }
    this.apps[color].state.fault = { ...fault };
  }

  version(color: Color): string {
    return this.apps[color].state.version;
  }

  /** What a successful deploy run does: the app now serves `version`. */
  deploy(color: Color, version: string): void {
    const state = this.apps[color].state;
    state.version = version;
    state.deployedAt = new Date().toISOString();
  }

  state(color: Color): Readonly<AppState> {
    return { ...this.apps[color].state, fault: { ...this.apps[color].state.fault } };
  }
}
