// A recording webhook receiver on loopback, the common part of the lab's Slack-, Teams- and
// generic-webhook-compatible servers: it keeps every request that arrives (headers, raw body,
// what it answered) and can be told to fail (an HTTP status) or to hang (never answer).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, type ListeningServer } from '../http.js';

export type ReceiverKind = 'slack' | 'teams' | 'webhook';

export interface ReceivedNotification {
  receiver: ReceiverKind;
  path: string;
  at: string;
  headers: Record<string, string>;
  /** The raw body as it arrived (what a signature is computed over). */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** What the receiver answered; 0 while it hangs (or hung until closed). */
  status: number;
  answer: string;
  /** The `X-Bluegreen-Delivery` header: the event's dedupe key. */
  deliveryKey?: string;
  /** webhook: whether `X-Bluegreen-Signature-256` matched the body. */
  signatureValid?: boolean;
  /** webhook: a CloudEvent id (per source) this receiver had already accepted. */
  duplicate?: boolean;
  /** The message's one-line title, as the receiver reads it from its format. */
  title?: string;
  /** It was taken (posted, remembered) but its answer never sent (`accept-then-hang`). */
  answerLost?: boolean;
  /** A problem with the payload the real service would report (e.g. a card Teams cannot post). */
  problem?: string;
}

/** What the receiver does with the next requests. */
export type ReceiverBehavior =
  | { mode: 'normal' }
  | { mode: 'fail'; status: number; body?: string; times?: number }
  | { mode: 'hang'; times?: number }
  /** Takes the message (as the real service would: posted, or remembered as seen), then never answers: a lost answer. */
  | { mode: 'accept-then-hang'; times?: number };

export interface Answer {
  status: number;
  body: string;
  contentType?: string;
  /** Fields the format-specific check adds to the record. */
  record?: Partial<ReceivedNotification>;
}

export abstract class RecordingReceiver {
  readonly received: ReceivedNotification[] = [];
  private server: ListeningServer | undefined;
  private behavior: ReceiverBehavior = { mode: 'normal' };
  private readonly hanging = new Set<ServerResponse>();

  constructor(readonly kind: ReceiverKind) {}

  /** The answer of the real service to this request. */
  protected abstract answer(req: IncomingMessage, body: string, json: unknown): Answer;

  async start(port = 0): Promise<void> {
    this.server = await listen((req, res) => void this.handle(req, res), port);
  }

  get url(): string {
    if (!this.server) throw new Error(`${this.kind} receiver not started`);
    return this.server.url;
  }

  /** From now on: answer normally, fail with `status`, or hang (for `times` requests, else until told otherwise). */
  setBehavior(behavior: ReceiverBehavior): void {
    this.behavior = behavior;
  }

  /** Requests that were answered with a 2xx and are not duplicates: what a person would see. */
  get delivered(): ReceivedNotification[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300 && !r.duplicate);
  }

  clear(): void {
    this.received.length = 0;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await this.server?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    let json: unknown;
    try {
      json = body ? (JSON.parse(body) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
    const record: ReceivedNotification = {
      receiver: this.kind,
      path: req.url ?? '/',
      at: new Date().toISOString(),
      headers,
      body,
      ...(json !== undefined ? { json } : {}),
      status: 0,
      answer: '',
      ...(headers['x-bluegreen-delivery'] ? { deliveryKey: headers['x-bluegreen-delivery'] } : {}),
    };
    this.received.push(record);
    const behavior = this.behavior;
    if (behavior.mode !== 'normal' && behavior.times !== undefined) {
      if (behavior.times <= 1) this.behavior = { mode: 'normal' };
      else this.behavior = { ...behavior, times: behavior.times - 1 };
    }
    if (behavior.mode === 'hang') {
      this.hanging.add(res);
      res.once('close', () => this.hanging.delete(res));
      return;
    }
    const answer =
      behavior.mode === 'fail'
        ? { status: behavior.status, body: behavior.body ?? 'lab: injected failure' }
        : this.answer(req, body, json);
    Object.assign(record, answer.record ?? {}, { status: answer.status, answer: answer.body });
    if (behavior.mode === 'accept-then-hang') {
      record.answerLost = true;
      this.hanging.add(res);
      res.once('close', () => this.hanging.delete(res));
      return;
    }
    res.writeHead(answer.status, {
      'content-type': answer.contentType ?? 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(answer.body)),
    });
    res.end(answer.body);
  }
}
