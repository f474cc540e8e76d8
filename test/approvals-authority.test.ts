// Who may decide, under the worker's policy, for plans started by hand with the Temporal client
// (no CLI, no client-side checks): the policy's `via`, approvers, minApprovals and
// self-approval are the policy's, not the plan's; every decision kind is checked against who
// may send it, in every branch; where the policy takes only identities GitHub verified,
// promote and override have no signal path.
import { describe, expect } from 'vitest';
import { statusQuery, WORKFLOW_TYPE, workflowIdFor } from '../contract/messages.js';
import * as messages from '../contract/messages.js';
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import type { DecisionAuthority } from '../workflows/decision-authority.js';
import { judge, type DecisionContext, type DecisionKind } from '../workflows/decisions.js';
import { finalStatus } from './support/final-status.js';
import { it } from './support/fixture.js';
import { labPlan, pollStatus } from './support/harness.js';
import { uniqueService } from './support/lab-deployments.js';

const QUICK = {
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};

/** The lab's policy with one service rule for every service. */
const policyWith = (approval: string) =>
  parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\nservices: [{ match: "*", approval: ${approval} }]\n`, 'test policy');

const GITHUB_ONLY = policyWith('{ required: true, via: [github], approvers: [alice, bob], allowSelfApproval: false }');

describe('a github-only approval policy, and a plan started by hand that leaves the gate out', () => {
  it('ends FAILED in plan naming approval.gate; "approve alice" by signal switches nothing', async ({
    lab,
    startWorker,
    client,
    taskQueue,
  }) => {
    await startWorker(lab, { policy: GITHUB_ONLY });
    const plan: DeploymentPlan = labPlan(lab, uniqueService('auth-no-gate'), QUICK);
    plan.requestedBy = 'mallory';
    plan.approval = { required: true, approvers: ['alice', 'bob'], timeoutMs: 60_000, via: ['github'] };
    const before = lab.router.activeColor;
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue,
      workflowId: workflowIdFor(plan.service),
      args: [plan],
    });
    // Whatever the workflow does, the attacker's approvals arrive once it waits (or has ended).
    const reached = await pollStatus(
      () => handle.query(statusQuery),
      (s) => s.outcome !== undefined || s.phase === 'approval',
    );
    if (!reached.outcome) {
      await handle.signal(messages.approveSignal, { by: 'alice' });
      await handle.signal(messages.approveSignal, { by: 'bob' });
    }
    const result = (await finalStatus(handle)) as DeploymentStatus;
    expect(result.outcome).toBe('FAILED');
    expect(result.phases.find((p) => p.name === 'plan')).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(
        /the plan asks for approval via github but names no gate \(approval\.gate: .*services\[0\]\.approval\.via: github/,
      ),
    });
    expect(result.phases.find((p) => p.name === 'switch')?.state).not.toBe('succeeded');
    expect(lab.router.activeColor).toBe(before);
  });
});

const IDLE = { approvalOpen: false, approvalDecided: false, rollbackRequested: false, abortRequested: false, promoted: false };
const SIGNAL_PATH: DecisionAuthority = { via: ['signal', 'github'], operators: ['frank'] };
const VERIFIED_ONLY: DecisionAuthority = { via: ['github'], operators: [] };

function statusFor(fields: Partial<DeploymentStatus>): DeploymentStatus {
  return {
    service: 'svc',
    deploymentId: 'svc-20261206-000000-abcd',
    phase: 'monitor',
    requestedBy: 'dave',
    startedAt: '2026-12-06T00:00:00Z',
    phases: [],
    approvals: [],
    approvers: ['alice', 'bob'],
    promoters: ['alice'],
    ...fields,
  };
}

const verdict = (kind: DecisionKind, by: string, status: DeploymentStatus, more: Partial<DecisionContext> = {}) =>
  judge({ by, reason: 'because' }, kind, { ...IDLE, status, authority: SIGNAL_PATH, ...more });

describe('every decision is checked against who may send it', () => {
  it('promote: only a promoter, also while an analysis question is open', () => {
    const asking = statusFor({ phase: 'verify' });
    expect(verdict('promote', 'mallory', asking, { analysisQuestionOpen: true })).toMatchObject({
      ok: false,
      message: 'mallory may not promote (promoters: alice)',
    });
    expect(verdict('promote', 'Alice', asking, { analysisQuestionOpen: true })).toMatchObject({ ok: true });
    expect(verdict('promote', 'bob', statusFor({}))).toMatchObject({
      ok: false,
      message: 'bob may not promote (promoters: alice)',
    });
    expect(verdict('promote', 'alice', statusFor({}))).toMatchObject({ ok: true });
  });

  it('retry, rollback, abort: the deployer, an approver, a promoter or an operator; nobody else, whatever the phase', () => {
    const failed = statusFor({
      phase: 'deploy',
      stepFailure: { step: 'deploy', error: 'x', attempt: 1, decideBy: '', otherwise: 'abort' },
    });
    const cases: Array<[DecisionKind, DeploymentStatus]> = [
      ['retry', failed],
      ['abort', failed],
      ['abort', statusFor({ phase: 'verify' })],
      ['rollback', statusFor({})],
    ];
    for (const [kind, status] of cases) {
      expect(verdict(kind, 'mallory', status), kind).toMatchObject({
        ok: false,
        message: `mallory may not ${kind} this deployment: only its deployer, approvers, promoters and the worker policy's operators may (dave, alice, bob, frank)`,
      });
      for (const who of ['dave', 'alice', 'BOB', 'frank'])
        expect(verdict(kind, who, status), `${kind} by ${who}`).toMatchObject({ ok: true });
    }
    expect(verdict('abort', 'acme/sre', statusFor({ phase: 'verify' }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/names a team/),
    });
  });

  it('override: an approver (with none listed, whoever may operate)', () => {
    const held = statusFor({ phase: 'window', switchWindow: { why: 'freeze', since: '' } });
    expect(verdict('override', 'frank', held)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^frank is not on the approvers list/),
    });
    expect(verdict('override', 'bob', held)).toMatchObject({ ok: true });
    const noApprovers = { ...held, approvers: [] };
    expect(verdict('override', 'frank', noApprovers)).toMatchObject({ ok: true });
    expect(verdict('override', 'mallory', noApprovers)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^mallory may not override/),
    });
  });

  it('under a github-only policy a typed name approves nothing, and promote and override are refused, saying why', () => {
    const only = { authority: VERIFIED_ONLY };
    expect(verdict('approve', 'alice', statusFor({ phase: 'approval' }), { ...only, approvalOpen: true })).toMatchObject({
      ok: false,
      message:
        "the worker's policy takes approvals of svc only verified by GitHub (approval.via: github): a name typed into a signal proves nothing",
    });
    expect(verdict('promote', 'alice', statusFor({}), only)).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /only identities verified by GitHub for svc \(approval\.via: github\), and bluegreen has no GitHub-verified promote: nobody may promote it/,
      ),
    });
    expect(verdict('promote', 'alice', statusFor({ phase: 'verify' }), { ...only, analysisQuestionOpen: true })).toMatchObject({
      ok: false,
    });
    const held = statusFor({ phase: 'window', switchWindow: { why: 'freeze', since: '' } });
    expect(verdict('override', 'alice', held, only)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no GitHub-verified override: nobody may override its switch window/),
    });
    // Stopping stays possible for those who may operate: a rollback needs no verified name.
    expect(verdict('rollback', 'alice', statusFor({}), only)).toMatchObject({ ok: true });
  });
});
