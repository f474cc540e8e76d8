// What a notification says, for every event, rendered for Slack, Teams and the generic
// webhook without a server (the model is pure). Untrusted text (comments, reasons, run names)
// cannot become a link, a mention or markup in any channel.
import { describe, expect, it } from 'vitest';
import { cloudEventRequest, signBody } from '../notify/activities.js';
import { channelsFor, eventKey, NOTIFY_EVENTS, type NotificationEvent } from '../contract/notify-events.js';
import { messageFor } from '../notify/message.js';
import { slackMessage } from '../notify/slack/render.js';
import { teamsMessage } from '../notify/teams/render.js';
import { signatureMatches } from '../lab/notify/index.js';

const base = {
  service: 'datatruck-api',
  deploymentId: 'datatruck-api-20261201-210000-ab12',
  from: 'blue',
  to: 'green',
  sha: '1a2b3c4d5e6f7a8b9c0d',
  at: '2026-12-01T21:00:00.000Z',
} as const;

const events: Record<string, NotificationEvent> = {
  started: { ...base, type: 'started', phase: 'plan', by: 'carol' },
  waiting: {
    ...base,
    type: 'approval-waiting',
    phase: 'approval',
    approvers: ['alice', 'bob'],
    command: 'bluegreen approve datatruck-api --by <name> [--comment "..."]',
    runUrl: 'https://github.com/datatruck/backend/actions/runs/42',
  },
  reminder: { ...base, type: 'approval-waiting', phase: 'approval', reminder: 2, durationMs: 7_200_000, approvers: ['alice'] },
  escalation: { ...base, type: 'approval-waiting', phase: 'approval', escalation: true, durationMs: 14_400_000 },
  approved: { ...base, type: 'approved', phase: 'approval', by: 'alice', detail: 'approved by alice: QA passed' },
  rejected: { ...base, type: 'rejected', phase: 'approval', by: 'bob', detail: 'rejected by bob: checkout broken' },
  switched: { ...base, type: 'switched', phase: 'switch', detail: 'public endpoint answers green' },
  analysis: {
    ...base,
    type: 'analysis-failed',
    phase: 'monitor',
    detail: '3 consecutive failures on https://api.example.com: 503',
  },
  rolledBack: {
    ...base,
    type: 'rolled-back',
    phase: 'rollback',
    durationMs: 125_000,
    detail: '3 consecutive failures on https://api.example.com: 503',
  },
  syncFailed: { ...base, type: 'sync-failed', phase: 'sync', detail: 'merge conflict' },
  succeeded: { ...base, type: 'succeeded', phase: 'done', durationMs: 723_000 },
  failed: {
    ...base,
    type: 'failed',
    phase: 'deploy',
    detail: 'deploy run ended failure at job "build", step "test": https://github.com/datatruck/backend/actions/runs/43',
    runUrl: 'https://github.com/datatruck/backend/actions/runs/43',
  },
  aborted: { ...base, type: 'aborted', phase: 'approval', detail: 'no approval within 24h; traffic untouched' },
};

describe('the words of every event (one model for every channel)', () => {
  it('titles say what happened, to which service, and what route', () => {
    const titles = Object.fromEntries(Object.entries(events).map(([name, e]) => [name, messageFor(e).title]));
    expect(titles).toMatchInlineSnapshot(`
      {
        "aborted": "datatruck-api: ABORTED in approval",
        "analysis": "datatruck-api: green failing under traffic",
        "approved": "datatruck-api: approved by alice",
        "escalation": "Escalation: datatruck-api has waited for 4h for approval",
        "failed": "datatruck-api: FAILED in deploy",
        "rejected": "datatruck-api: rejected by bob; traffic untouched on blue",
        "reminder": "Reminder: datatruck-api still waiting for 2h for approval",
        "rolledBack": "datatruck-api: rolled back to blue (green had traffic for 2m5s)",
        "started": "datatruck-api: deploying blue → green @ 1a2b3c4",
        "succeeded": "datatruck-api: green is live (SUCCEEDED in 12m3s)",
        "switched": "datatruck-api: traffic switched to green",
        "syncFailed": "datatruck-api: sync failed; traffic stays on green",
        "waiting": "datatruck-api: waiting for approval (blue → green @ 1a2b3c4)",
      }
    `);
  });

  it('facts carry service, route, phase, who, who may approve, the command and durations', () => {
    const facts = (e: NotificationEvent) => messageFor(e).facts.map((f) => `${f.label}: ${f.value}`);
    expect(facts(events['waiting']!)).toMatchInlineSnapshot(`
      [
        "Service: datatruck-api",
        "Route: blue → green @ 1a2b3c4",
        "Phase: approval",
        "May approve: alice or bob",
        "Command: bluegreen approve datatruck-api --by <name> [--comment "..."]",
        "Deployment: datatruck-api-20261201-210000-ab12",
      ]
    `);
    expect(facts(events['rolledBack']!)).toMatchInlineSnapshot(`
      [
        "Service: datatruck-api",
        "Route: blue → green @ 1a2b3c4",
        "Phase: rollback",
        "Traffic on green: 2m5s",
        "Deployment: datatruck-api-20261201-210000-ab12",
      ]
    `);
    expect(facts(events['succeeded']!)).toMatchInlineSnapshot(`
      [
        "Service: datatruck-api",
        "Route: blue → green @ 1a2b3c4",
        "Phase: done",
        "Took: 12m3s",
        "Deployment: datatruck-api-20261201-210000-ab12",
      ]
    `);
  });

  it('links: the GitHub review page, the Web UI and the run; only http(s)', () => {
    const withReview: NotificationEvent = {
      ...events['waiting']!,
      reviewUrl: 'https://github.com/datatruck/backend/actions/runs/44',
    };
    expect(
      messageFor(withReview, { webUiUrl: 'http://localhost:8233/namespaces/default/workflows/bluegreen-datatruck-api' }).links,
    ).toMatchInlineSnapshot(`
        [
          {
            "label": "Review on GitHub",
            "url": "https://github.com/datatruck/backend/actions/runs/44",
          },
          {
            "label": "Open in Temporal Web UI",
            "url": "http://localhost:8233/namespaces/default/workflows/bluegreen-datatruck-api",
          },
          {
            "label": "GitHub run",
            "url": "https://github.com/datatruck/backend/actions/runs/42",
          },
        ]
      `);
    const hostile: NotificationEvent = {
      ...events['failed']!,
      runUrl: 'javascript:alert(1)',
      reviewUrl: 'https://x.example/a b',
    };
    expect(messageFor(hostile).links).toEqual([]);
  });

  it('every event type has words', () => {
    for (const type of NOTIFY_EVENTS) expect(messageFor({ ...base, type, phase: 'plan' }).title).toMatch(/datatruck-api/);
  });
});

describe('rendered for each channel', () => {
  const message = messageFor(events['waiting']!, {
    webUiUrl: 'http://localhost:8233/namespaces/default/workflows/bluegreen-datatruck-api',
  });

  it('Slack: Block Kit with a header, fields, buttons, and a plain fallback text', () => {
    expect(slackMessage(message)).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "emoji": false,
              "text": "datatruck-api: waiting for approval (blue → green @ 1a2b3c4)",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "fields": [
              {
                "text": "*Service*
      datatruck-api",
                "type": "mrkdwn",
              },
              {
                "text": "*Route*
      blue → green @ 1a2b3c4",
                "type": "mrkdwn",
              },
              {
                "text": "*Phase*
      approval",
                "type": "mrkdwn",
              },
              {
                "text": "*May approve*
      alice or bob",
                "type": "mrkdwn",
              },
              {
                "text": "*Command*
      \`bluegreen approve datatruck-api --by &lt;name&gt; [--comment "..."]\`",
                "type": "mrkdwn",
              },
              {
                "text": "*Deployment*
      datatruck-api-20261201-210000-ab12",
                "type": "mrkdwn",
              },
            ],
            "type": "section",
          },
          {
            "elements": [
              {
                "action_id": "bluegreen-link-0",
                "style": "primary",
                "text": {
                  "emoji": false,
                  "text": "Open in Temporal Web UI",
                  "type": "plain_text",
                },
                "type": "button",
                "url": "http://localhost:8233/namespaces/default/workflows/bluegreen-datatruck-api",
              },
              {
                "action_id": "bluegreen-link-1",
                "text": {
                  "emoji": false,
                  "text": "GitHub run",
                  "type": "plain_text",
                },
                "type": "button",
                "url": "https://github.com/datatruck/backend/actions/runs/42",
              },
            ],
            "type": "actions",
          },
        ],
        "text": "datatruck-api: waiting for approval (blue → green @ 1a2b3c4)",
        "unfurl_links": false,
        "unfurl_media": false,
      }
    `);
  });

  it('Teams: one Adaptive Card in a message with attachments', () => {
    expect(teamsMessage(message)).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "content": {
              "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
              "actions": [
                {
                  "title": "Open in Temporal Web UI",
                  "type": "Action.OpenUrl",
                  "url": "http://localhost:8233/namespaces/default/workflows/bluegreen-datatruck-api",
                },
                {
                  "title": "GitHub run",
                  "type": "Action.OpenUrl",
                  "url": "https://github.com/datatruck/backend/actions/runs/42",
                },
              ],
              "body": [
                {
                  "color": "Warning",
                  "size": "Medium",
                  "text": "datatruck-api: waiting for approval (blue → green @ 1a2b3c4)",
                  "type": "TextBlock",
                  "weight": "Bolder",
                  "wrap": true,
                },
                {
                  "facts": [
                    {
                      "title": "Service",
                      "value": "datatruck-api",
                    },
                    {
                      "title": "Route",
                      "value": "blue → green @ 1a2b3c4",
                    },
                    {
                      "title": "Phase",
                      "value": "approval",
                    },
                    {
                      "title": "May approve",
                      "value": "alice or bob",
                    },
                    {
                      "title": "Command",
                      "value": "bluegreen approve datatruck-api --by \\<name\\> \\[--comment "..."\\]",
                    },
                    {
                      "title": "Deployment",
                      "value": "datatruck-api-20261201-210000-ab12",
                    },
                  ],
                  "type": "FactSet",
                },
              ],
              "msteams": {
                "width": "Full",
              },
              "type": "AdaptiveCard",
              "version": "1.4",
            },
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
          },
        ],
        "type": "message",
      }
    `);
  });

  it('generic webhook: a structured-mode CloudEvent whose id is the dedupe key, signed over the raw body', () => {
    const request = cloudEventRequest(events['waiting']!, message);
    expect(request.headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=utf-8' });
    const ce = JSON.parse(request.body) as Record<string, unknown>;
    expect({ ...ce, data: undefined }).toMatchInlineSnapshot(`
      {
        "data": undefined,
        "datacontenttype": "application/json",
        "id": "datatruck-api-20261201-210000-ab12.approval-waiting",
        "source": "/bluegreen/datatruck-api",
        "specversion": "1.0",
        "subject": "datatruck-api-20261201-210000-ab12",
        "time": "2026-12-01T21:00:00.000Z",
        "type": "dev.bluegreen.deployment.approval-waiting",
      }
    `);
    expect(ce['id']).toBe(eventKey(events['waiting']!));
    const signature = signBody(request.body, 'k3y');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureMatches(request.body, signature, 'k3y')).toBe(true);
    expect(signatureMatches(request.body, signature, 'other')).toBe(false);
    expect(signatureMatches(`${request.body} `, signature, 'k3y')).toBe(false);
  });
});

describe('untrusted text cannot become markup', () => {
  const hostile =
    '<!channel> <@U024BE7LH> <https://evil.example|click here> [click](https://evil.example) **bold** \u202eevil\u202c\u0007';
  const event: NotificationEvent = { ...base, type: 'rejected', phase: 'approval', by: 'mallory <!here>', detail: hostile };
  const message = messageFor(event);

  it('control and bidi characters are gone before any channel renders it', () => {
    expect(message.detail).not.toMatch(/[\u202e\u202c\u0007]/);
  });

  it('Slack: &, < and > escaped in mrkdwn; free text only in plain_text', () => {
    const payload = slackMessage(message);
    // Slack parses links and mentions in mrkdwn (and the fallback text), never in plain_text.
    const mrkdwn = [payload.text!, ...JSON.stringify(payload.blocks).matchAll(/"type":"mrkdwn","text":("(?:[^"\\]|\\.)*")/g)].map(
      (m) => (typeof m === 'string' ? m : (JSON.parse(m[1]!) as string)),
    );
    for (const text of mrkdwn) expect(text).not.toMatch(/</);
    expect(mrkdwn.join('\n')).toContain('mallory &lt;!here&gt;');
    const sections = slackMessage(message).blocks!.filter((b) => b.type === 'section' && 'text' in b && b.text);
    expect(sections.map((b) => ('text' in b ? (b.text as { type: string }).type : undefined))).toEqual(['plain_text']);
  });

  it('Teams: links and emphasis are escaped', () => {
    const card = JSON.stringify(teamsMessage(message));
    expect(card).not.toContain('[click](https://evil.example)');
    expect(card).toContain('\\\\[click\\\\](https://evil.example)');
    expect(card).toContain('\\\\*\\\\*bold\\\\*\\\\*');
  });
});

describe('subscriptions', () => {
  const plan = {
    subscriptions: [
      { channel: 'qa-slack', events: ['approval-waiting' as const, 'approved' as const] },
      { channel: 'ops-teams', events: [...NOTIFY_EVENTS] },
      { channel: 'qa-slack', events: ['approval-waiting' as const] },
    ],
    escalateTo: ['ops-pager'],
  };
  it('each subscribed channel once; escalations go to the escalation channels only', () => {
    expect(channelsFor(plan, { type: 'approval-waiting' })).toEqual(['qa-slack', 'ops-teams']);
    expect(channelsFor(plan, { type: 'switched' })).toEqual(['ops-teams']);
    expect(channelsFor(plan, { type: 'approval-waiting', escalation: true })).toEqual(['ops-pager']);
    expect(channelsFor(undefined, { type: 'started' })).toEqual([]);
  });
  it('dedupe keys are per deployment and moment', () => {
    expect([eventKey(events['waiting']!), eventKey(events['reminder']!), eventKey(events['escalation']!)]).toEqual([
      'datatruck-api-20261201-210000-ab12.approval-waiting',
      'datatruck-api-20261201-210000-ab12.approval-waiting.reminder-2',
      'datatruck-api-20261201-210000-ab12.approval-waiting.escalation',
    ]);
  });
});

describe("a release train's message: the train and its services in one Services fact", () => {
  const event: NotificationEvent = {
    ...base,
    service: 'shop',
    deploymentId: 'shop-1',
    type: 'rolled-back',
    phase: 'rollback',
    detail: 'api: 3 consecutive failures',
    train: 'shop',
    services: [
      { service: 'api', from: 'blue', to: 'green', sha: '1a2b3c4d5e6f', outcome: 'ROLLED_BACK' },
      { service: 'web <!channel> [x](https://evil.example) \u202eevil\u0007', outcome: 'ROLLED_BACK' },
    ],
  };
  const { from: _from, to: _to, sha: _sha, ...noRoute } = event;
  const message = messageFor(noRoute);
  const services = message.facts.find((f) => f.label === 'Services')?.value;

  it('names the train and lists every service with its route and outcome, cleaned', () => {
    expect(message.title).toBe('release train shop: rolled back to the old colors');
    expect(message.facts[0]).toEqual({ label: 'Train', value: 'shop' });
    expect(services).toMatch(/^api blue → green @ 1a2b3c4 \(ROLLED_BACK\); web <!channel> /);
    expect(services).not.toMatch(/[\u202e\u0007]/);
  });

  it('renders on every channel without markup from the names', () => {
    const slack = JSON.stringify(slackMessage(message));
    expect(slack).toContain('*Services*\\napi blue → green @ 1a2b3c4 (ROLLED_BACK); web &lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');
    const card = JSON.stringify(teamsMessage(message));
    expect(card).toContain('api blue → green @ 1a2b3c4 (ROLLED\\\\_BACK)');
    expect(card).not.toContain('[x](https://evil.example)');
    const cloudEvent = JSON.parse(cloudEventRequest(noRoute, message).body) as { data: Record<string, unknown> };
    expect(cloudEvent.data['train']).toBe('shop');
    expect((cloudEvent.data['services'] as unknown[]).length).toBe(2);
  });

  it("says where each service's traffic is when the train says it", () => {
    const failed = messageFor({
      ...noRoute,
      type: 'failed',
      phase: 'deploy',
      services: [
        { service: 'api', from: 'blue', to: 'green', sha: '1a2b3c4d5e6f', outcome: 'ABORTED', live: 'blue' },
        { service: 'worker', from: 'green', to: 'blue', outcome: 'FAILED', live: 'green' },
        { service: 'web', live: 'blue' },
      ],
    });
    expect(failed.facts.find((f) => f.label === 'Services')?.value).toBe(
      'api blue → green @ 1a2b3c4 (ABORTED, traffic on blue); worker green → blue (FAILED, traffic on green); web (traffic on blue)',
    );
  });
});
