// Many services' public endpoints on one port, for benches that deploy hundreds of services at
// once: `/svc/<service>/…` is that service's "DNS name", forwarded to the app of the color
// active for it. Each service switches on its own (its own switch workflow in the simulator).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, sendJson, type ListeningServer } from './http.js';
import { proxyTo } from './router.js';
import type { Color } from './types.js';

const SERVICE_PATH = /^\/svc\/([a-z0-9][a-z0-9._-]{0,62})(\/.*)?$/;

export class ServiceRouter {
  private readonly active = new Map<string, Color>();
  private listening!: ListeningServer;
  /** Number of switches per service, for checks that each moved exactly as often as asked. */
  readonly switchCounts = new Map<string, number>();

  constructor(private readonly upstream: (color: Color) => string) {}

  get url(): string {
    return this.listening.url;
  }

  /** The public URL of `service` (what its config's `publicUrl` is). */
  publicUrl(service: string): string {
    return `${this.url}/svc/${service}`;
  }

  add(service: string, color: Color): void {
    if (!SERVICE_PATH.test(`/svc/${service}`)) throw new Error(`not a service name: ${service}`);
    this.active.set(service, color);
  }

  activeColor(service: string): Color | undefined {
    return this.active.get(service);
  }

  setActive(service: string, color: Color): void {
    if (!this.active.has(service)) throw new Error(`no service ${service} on the service router`);
    this.active.set(service, color);
    this.switchCounts.set(service, (this.switchCounts.get(service) ?? 0) + 1);
  }

  async start(port = 0): Promise<void> {
    this.listening = await listen((req, res) => this.forward(req, res), port);
  }

  close(): Promise<void> {
    return this.listening.close();
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://lab');
    const match = SERVICE_PATH.exec(url.pathname);
    const color = match ? this.active.get(match[1]!) : undefined;
    if (!match || !color) {
      req.resume();
      sendJson(res, 404, { error: 'no such service', path: url.pathname });
      return;
    }
    proxyTo(color, this.upstream(color), `${match[2] ?? '/'}${url.search}`, req, res);
  }
}
