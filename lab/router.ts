// The public endpoint: a real reverse proxy to the active color's app, the stand-in for DNS.
// Its switch history lets tests assert that a deployment moved traffic exactly once.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, sendJson, type ListeningServer } from './http.js';
import type { Color, SwitchRecord } from './types.js';

export class Router {
  private active: Color;
  private readonly history: SwitchRecord[] = [];
  private listening!: ListeningServer;

  constructor(
    initial: Color,
    private readonly upstream: (color: Color) => string,
  ) {
    this.active = initial;
  }

  get url(): string {
    return this.listening.url;
  }

  get activeColor(): Color {
    return this.active;
  }

  /** Every switch request, including ones to the color already active (`changed: false`). */
  get switches(): readonly SwitchRecord[] {
    return this.history;
  }

  setActive(color: Color, source = 'manual'): void {
    this.history.push({ at: new Date().toISOString(), from: this.active, color, changed: color !== this.active, source });
    this.active = color;
  }

  async start(port = 0): Promise<void> {
    this.listening = await listen((req, res) => this.forward(req, res), port);
  }

  close(): Promise<void> {
    return this.listening.close();
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    proxyTo(this.active, this.upstream(this.active), req.url ?? '/', req, res);
  }
}

/** Forwards `req` to `path` on `upstreamBase` (the app of `color`) and pipes the answer back. */
export function proxyTo(color: Color, upstreamBase: string, path: string, req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(path, upstreamBase);
  const upstreamReq = request(
    target,
    // A fresh connection per request: an app told to refuse must fail the very next probe,
    // not hide behind a pooled socket.
    {
      method: req.method,
      headers: { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '' },
      agent: false,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, 'x-lab-upstream': color });
      upstreamRes.pipe(res);
    },
  );
  upstreamReq.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { error: 'bad gateway', upstream: color, detail: err.message });
    else res.destroy();
  });
  req.pipe(upstreamReq);
}
