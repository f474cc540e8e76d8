// A generic webhook consumer as we ask people to write one (docs/notifications.md): it checks
// `X-Bluegreen-Signature-256` over the raw body in constant time (401 when it does not match),
// reads the structured-mode CloudEvent, and acts once per event: an id it has seen for that
// source is answered 200 and recorded as a duplicate, so a retried send stops without a second
// effect.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isRecord } from '../http.js';
import { RecordingReceiver, type Answer } from './receiver.js';

export const LAB_WEBHOOK_SECRET = 'lab-notify-signing-secret';

export function signatureMatches(body: string, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

const answer = (status: number, body: Record<string, unknown>, record: Answer['record'] = {}): Answer => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json; charset=utf-8',
  record,
});

export class WebhookReceiver extends RecordingReceiver {
  private readonly seen = new Set<string>();

  constructor(readonly secret = LAB_WEBHOOK_SECRET) {
    super('webhook');
  }

  get hookUrl(): string {
    return `${this.url}/bluegreen-events`;
  }

  /** The CloudEvents it accepted, once each, in order of arrival. */
  get events(): Record<string, unknown>[] {
    return this.delivered.map((r) => r.json as Record<string, unknown>);
  }

  protected answer(req: IncomingMessage, body: string, json: unknown): Answer {
    if (req.method !== 'POST') return answer(405, { error: 'POST only' });
    const signatureValid = signatureMatches(body, req.headers['x-bluegreen-signature-256'] as string | undefined, this.secret);
    if (!signatureValid) return answer(401, { error: 'signature does not match' }, { signatureValid });
    if (!/^application\/cloudevents\+json/.test(req.headers['content-type'] ?? '')) {
      return answer(415, { error: 'expected application/cloudevents+json' }, { signatureValid });
    }
    if (
      !isRecord(json) ||
      json['specversion'] !== '1.0' ||
      typeof json['id'] !== 'string' ||
      typeof json['source'] !== 'string'
    ) {
      return answer(400, { error: 'not a CloudEvent 1.0 (specversion, id, source, type)' }, { signatureValid });
    }
    const key = `${json['source']} ${json['id']}`;
    const data = json['data'];
    const title = isRecord(data) ? String(data['title']) : '';
    if (this.seen.has(key)) return answer(200, { accepted: false, duplicate: true }, { signatureValid, duplicate: true, title });
    this.seen.add(key);
    return answer(200, { accepted: true }, { signatureValid, title });
  }
}
