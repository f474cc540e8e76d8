// The public endpoint: a real reverse proxy to the active color's app, the stand-in for DNS.
// Its switch history lets tests assert that a deployment moved traffic exactly once. With
// weights (a follower of an emulated load balancer or weighted records sets them) it splits the
// requests between the colors in those proportions, deterministically (smooth weighted round robin).
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, sendJson, type ListeningServer } from './http.js';
import type { Color, SwitchRecord } from './types.js';

export class Router {
  private active: Color;
  private readonly history: SwitchRecord[] = [];
  private split: Record<Color, number> | undefined;
  private readonly credit: Record<Color, number> = { blue: 0, green: 0 };
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

  /** Sends every request to `color` (a split set before ends: a whole switch moves all traffic). */
  setActive(color: Color, source = 'manual'): void {
    this.history.push({ at: new Date().toISOString(), from: this.active, color, changed: color !== this.active, source });
    this.active = color;
    this.split = undefined;
  }

  /** The share of requests per color (percent), or undefined when all go to the active color. */
  get weights(): Readonly<Record<Color, number>> | undefined {
    return this.split;
  }

  /**
   * Splits requests by `weights` (percent per color). The active color becomes the one with the
   * larger share (recorded as a switch when it changes; an even split keeps it).
   */
  setWeights(weights: Record<Color, number>, source = 'weights'): void {
    const leading: Color | undefined = weights.blue > weights.green ? 'blue' : weights.green > weights.blue ? 'green' : undefined;
    if (leading && leading !== this.active) this.setActive(leading, source);
    this.split = { ...weights };
  }

  async start(port = 0): Promise<void> {
    this.listening = await listen((req, res) => this.forward(req, res), port);
  }

  close(): Promise<void> {
    return this.listening.close();
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const color = this.pick();
    proxyTo(color, this.upstream(color), req.url ?? '/', req, res);
  }

  /** The color of the next request: the active one, or by smooth weighted round robin. */
  private pick(): Color {
    const split = this.split;
    if (!split) return this.active;
    if (split.blue <= 0 || split.green <= 0) return split.green > 0 ? 'green' : split.blue > 0 ? 'blue' : this.active;
    this.credit.blue += split.blue;
    this.credit.green += split.green;
    const color: Color = this.credit.green > this.credit.blue ? 'green' : 'blue';
    this.credit[color] -= split.blue + split.green;
    return color;
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
