// `workflow_run` webhooks, as GitHub sends them when a run completes: the JSON payload of the
// event, signed with HMAC-SHA256 of the raw body (`X-Hub-Signature-256`), a delivery id per POST.
// The lab posts only to loopback receivers.
import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookDelivery, WebhookTarget } from '../types.js';
import type { Run } from './runs.js';
import { actorUser, fullRepository, workflowJson, workflowRunJson, type ShapeContext } from './shapes.js';

const MAX_RECORDED_DELIVERIES = 10_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const HOOK_ID = '480000001';

export function assertLoopbackUrl(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`the lab only sends webhooks to loopback receivers, not ${host}`);
  }
}

export function workflowRunPayload(
  ctx: ShapeContext,
  run: Run,
  action: 'requested' | 'in_progress' | 'completed',
): Record<string, unknown> {
  return {
    action,
    workflow_run: workflowRunJson(ctx, run),
    workflow: workflowJson(ctx, run.workflow),
    repository: fullRepository(ctx),
    sender: actorUser(ctx),
  };
}

/** `sha256=<hex>` over the raw body, as in GitHub's X-Hub-Signature-256 header. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private target: WebhookTarget | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(target?: WebhookTarget) {
    this.set(target);
  }

  set(target: WebhookTarget | undefined): void {
    if (target) assertLoopbackUrl(target.url);
    this.target = target;
  }

  /** Posts the event without holding up the run; failures are recorded, never thrown. */
  send(event: string, payload: Record<string, unknown>, runId: number): void {
    const target = this.target;
    if (!target) return;
    const body = JSON.stringify(payload);
    const id = randomUUID();
    const delivery: WebhookDelivery = { id, runId, at: new Date().toISOString(), status: 0 };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_RECORDED_DELIVERIES)
      this.deliveries.splice(0, this.deliveries.length - MAX_RECORDED_DELIVERIES);
    const posting = fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/lab',
        'x-github-event': event,
        'x-github-delivery': id,
        'x-github-hook-id': HOOK_ID,
        'x-github-hook-installation-target-type': 'repository',
        'x-hub-signature-256': signBody(target.secret, body),
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
      .then(async (response) => {
        delivery.status = response.status;
        await response.arrayBuffer();
      })
      .catch((err: unknown) => {
        delivery.error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => this.inFlight.delete(posting));
    this.inFlight.add(posting);
  }

  /** Waits for deliveries under way (a closing lab lets them finish or time out). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}

export type { Run };
