// The `notify` section and the gate's reminder settings in bluegreen.yaml, and the
// channel check against the worker policy: every problem with its field path; a channel the
// worker does not have, or whose secret is not set, is refused by `validate`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../client/config.js';
import { notifyPolicyProblems } from '../client/notify-policy-check.js';
import { resolvePlan } from '../client/plan.js';
import { NOTIFY_EVENTS } from '../contract/notify-events.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { runCli, tempDir } from './support/processes.js';
import { MINIMAL_CONFIG } from './support/configs.js';

const minimal = {
  ...MINIMAL_CONFIG,
  service: 'svc-notify',
  github: { owner: 'datatruck', repo: 'backend' },
  approval: { approvers: ['alice'] },
};

const parse = (extra: Record<string, unknown>) =>
  parseConfigText(
    stringify({ ...minimal, ...extra, approval: { ...minimal.approval, ...(extra['approval'] as object) } }),
    'b.yaml',
  );

function problemsOf(extra: Record<string, unknown>): string[] {
  try {
    parse(extra);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const POLICY = `
notifications:
  - { name: qa-slack, type: slack, secretEnv: QA_SLACK_WEBHOOK_URL }
  - { name: ops-teams, type: teams, secretEnv: OPS_TEAMS_WEBHOOK_URL }
  - { name: audit, type: webhook, secretEnv: AUDIT_WEBHOOK_URL, signingSecretEnv: AUDIT_WEBHOOK_SECRET }
`;

describe('notify in bluegreen.yaml', () => {
  it('subscriptions, "all", reminders and escalation become the plan (names only)', () => {
    const config = parse({
      notify: [{ channel: 'qa-slack', events: ['approval-waiting', 'approved'] }, { channel: 'ops-teams' }],
      approval: { remindEvery: '1h', escalateAfter: '4h', escalateTo: ['ops-teams'] },
    });
    const plan = resolvePlan(config, { requestedBy: 't', deploymentId: 'd1' });
    expect(plan.notify).toEqual({
      subscriptions: [
        { channel: 'qa-slack', events: ['approval-waiting', 'approved'] },
        { channel: 'ops-teams', events: [...NOTIFY_EVENTS] },
      ],
      remindEveryMs: 3_600_000,
      escalateAfterMs: 14_400_000,
      escalateTo: ['ops-teams'],
    });
  });

  it('a plan without notify has no notify field (plans of before stay the same)', () => {
    expect(resolvePlan(parse({}), { requestedBy: 't' })).not.toHaveProperty('notify');
  });

  it('every problem with its field path', () => {
    expect(
      problemsOf({
        notify: [{ channel: 'QA Slack', events: ['approval-wating'] }, { channel: 'ok', events: [] }, { chanel: 'x' }],
        approval: { remindEvery: 'hourly', escalateTo: ['ops'] },
      }),
    ).toMatchInlineSnapshot(`
      [
        "approval.remindEvery: "hourly" is not a duration: use a number and a unit, like "30s", "15m" or "24h"",
        "notify.0.channel: channel names are lowercase letters, digits and dashes, like "qa-slack" (got the text "QA Slack")",
        "notify.0.events.0: expected one of started, approval-waiting, approved, rejected, switched, analysis-failed, rollback-held, rollback-resumed, rolled-back, sync-failed, succeeded, failed, aborted (got the text "approval-wating"), did you mean "approval-waiting"?",
        "notify.1.events: list at least one event, or write "all"",
        "notify.2.channel: is required (expected a channel name, like "qa-slack")",
        "notify.2.chanel: unknown key, did you mean "channel"?",
      ]
    `);
    expect(problemsOf({ notify: [{ channel: 'ops' }], approval: { escalateAfter: '4h', remindEvery: '50ms' } }))
      .toMatchInlineSnapshot(`
      [
        "approval.escalateTo: approval.escalateAfter is set: name the channels to escalate to",
        "approval.remindEvery: must be at least "100ms"",
      ]
    `);
    expect(problemsOf({ approval: { remindEvery: '1h' } })).toEqual([
      'approval.remindEvery: no notify entry subscribes to approval-waiting: the reminders would go nowhere',
    ]);
  });
});

describe('channels against the worker policy', () => {
  it('the policy declares channels by type and secret variable; a webhook must be signed', () => {
    expect(parseWorkerPolicy(POLICY, 'p.yaml').notifications.map((n) => n.name)).toEqual(['qa-slack', 'ops-teams', 'audit']);
    expect(() => parseWorkerPolicy('notifications: [{ name: audit, type: webhook, secretEnv: AUDIT_URL }]', 'p.yaml')).toThrow(
      /notifications\.0\.signingSecretEnv: a webhook channel is signed/,
    );
    expect(() =>
      parseWorkerPolicy(
        'notifications: [{ name: a, type: slack, secretEnv: A }, { name: a, type: teams, secretEnv: B }]',
        'p.yaml',
      ),
    ).toThrow(/notifications\.1\.name: channel a is listed twice/);
  });

  it('validate (policy readable) names the field of an unknown channel and of a missing secret', async () => {
    const dir = tempDir('bluegreen-notify-config-');
    const policyFile = join(dir, 'bluegreen-worker.yaml');
    writeFileSync(policyFile, POLICY);
    const env = { BLUEGREEN_WORKER_POLICY: policyFile, QA_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' };
    const plan = resolvePlan(
      parse({
        notify: [
          { channel: 'qa-slack' },
          { channel: 'qa-slak', events: ['failed'] },
          { channel: 'audit', events: ['succeeded'] },
        ],
        approval: { escalateAfter: '1h', escalateTo: ['ops-teams'] },
      }),
      { requestedBy: 't' },
    );
    expect(await notifyPolicyProblems(plan, env)).toMatchInlineSnapshot(`
      [
        {
          "message": "no channel "qa-slak" in the worker policy (known: qa-slack, ops-teams, audit)",
          "path": "notify.1.channel",
        },
        {
          "message": "channel "audit": secret AUDIT_WEBHOOK_URL (its URL) is not set on the worker",
          "path": "notify.2.channel",
        },
        {
          "message": "channel "ops-teams": secret OPS_TEAMS_WEBHOOK_URL (its URL) is not set on the worker",
          "path": "approval.escalateTo.0",
        },
      ]
    `);
    expect(await notifyPolicyProblems(plan, {})).toEqual([]); // no policy at hand: nothing to check against

    const file = join(dir, 'bluegreen.yaml');
    writeFileSync(file, stringify({ ...minimal, notify: [{ channel: 'qa-slak' }] }));
    const run = await runCli(['validate', '-c', file], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'notify.0.channel: no channel "qa-slak" in the worker policy (known: qa-slack, ops-teams, audit)',
    );
  });
});
