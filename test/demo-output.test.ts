// What the demo prints beside the live view (scripts/demo-output.ts): commands that run as
// printed from the project folder, and the notifications as one short block.
import { describe, expect, it } from 'vitest';
import type { ReceivedNotification } from '../lab/notify/receiver.js';
import { notificationBlock, runnable } from '../scripts/demo-output.js';

const received = (receiver: string, event: string, status = 200, signatureValid?: boolean): ReceivedNotification =>
  ({
    receiver,
    path: '/',
    at: '2026-05-04T10:00:00.000Z',
    headers: {},
    body: '',
    status,
    answer: '',
    deliveryKey: `shop-20260504-100000-ab12.${event}`,
    ...(signatureValid === undefined ? {} : { signatureValid }),
  }) as ReceivedNotification;

describe('the demo output', () => {
  it('bluegreen commands become npx bluegreen (the package runs its own bin); other words stay', () => {
    expect(runnable('approve: bluegreen approve shop --by <name>; reject: bluegreen reject shop')).toBe(
      'approve: npx bluegreen approve shop --by <name>; reject: npx bluegreen reject shop',
    );
    expect(runnable('Counts: `bluegreen status shop`')).toBe('Counts: `npx bluegreen status shop`');
    expect(runnable('workflow bluegreen-shop, bluegreen: ok, the bluegreen.yaml')).toBe(
      'workflow bluegreen-shop, bluegreen: ok, the bluegreen.yaml',
    );
  });

  it('notifications: one line per event in the order a deployment meets them, with who got it', () => {
    const block = notificationBlock([
      received('webhook', 'started', 202, true),
      received('teams', 'started'),
      received('slack', 'approval-waiting'),
      received('teams', 'rolled-back'),
      received('webhook', 'rolled-back', 202, true),
      received('teams', 'approval-waiting'),
    ]);
    expect(block).toEqual([
      'notifications: 6 sent (answered HTTP 202, 200, webhook signatures valid):',
      '  started           teams, webhook',
      '  approval-waiting  slack, teams',
      '  rolled-back       teams, webhook',
    ]);
    expect(notificationBlock([received('webhook', 'failed', 0, false)])[0]).toBe(
      'notifications: 1 sent (answered HTTP no answer, BAD webhook signature):',
    );
  });
});
