// Approval by signal/update (`approval.via: signal`): the names are self-declared, but the
// separation of duties of approval via GitHub holds here too — no self-approval, N distinct
// approvers, no team name standing in for a person — and refused approvals are recorded with
// the reason. The GitHub Deployment record says "self-declared" as the status does.
import { describe, expect } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import type { Lab } from '../lab/index.js';
import { judge } from '../workflows/decisions.js';
import * as messages from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { it } from './support/fixture.js';
import { labPlan, waitForStatus, waitingForApproval } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const QUICK = {
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};

type Handle = Awaited<ReturnType<typeof startDeployment>>;

/** An approve update's answer: the accepted message, or the validator's refusal. */
async function approveUpdate(handle: Handle, by: string): Promise<string> {
  try {
    return (await handle.executeUpdate(messages.approveUpdate, { args: [{ by }] })).message;
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause;
    return `refused: ${cause?.message ?? String(err)}`;
  }
}

/** The lab's GitHub Deployment record of this deployment: its statuses' descriptions, newest first. */
const recordStatuses = (lab: Lab, id: string): string[] =>
  lab.github.deployments.find((d) => d.description?.includes(id))?.statuses.map((s) => s.description) ?? [];

describe('approval by signal: separation of duties', () => {
  it('the deployer’s own approval is refused and recorded; another’s counts', async ({ lab, worker, client, taskQueue }) => {
    void worker;
    const plan = { ...labPlan(lab, 'svc-sig-self', QUICK), requestedBy: 'alice' };
    const handle = await startDeployment(client, plan, { taskQueue });
    await waitForStatus(handle, waitingForApproval);
    expect(await approveUpdate(handle, 'Alice')).toBe(
      'refused: Alice started this deployment and may not approve it (allowSelfApproval: false)',
    );
    await handle.signal(messages.approveSignal, { by: 'alice', comment: 'mine, looks fine' });
    const ignored = await waitForStatus(handle, (s) => (s.ignoredSignals ?? []).length > 0);
    expect(ignored.phase).toBe('approval');
    expect(ignored.ignoredSignals).toMatchObject([
      {
        signal: 'approve',
        by: 'alice',
        reason: 'alice started this deployment and may not approve it (allowSelfApproval: false)',
      },
    ]);
    expect(ignored.approvals).toMatchObject([{ by: 'alice', counted: false, note: expect.stringMatching(/may not approve it/) }]);
    expect(await approveUpdate(handle, 'bob')).toBe('approve by bob accepted for svc-sig-self');
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.phases.find((p) => p.name === 'approval')?.detail).toBe('approved by bob (self-declared)');
    // The GitHub Deployment's status is as honest as the status: nobody verified "bob".
    expect(recordStatuses(lab, plan.deploymentId)).toContain('approved by bob (self-declared); switching traffic');
  });

  it('allowSelfApproval: true in the worker policy and the plan lets the deployer approve', () => {
    const status = statusFor({ requestedBy: 'alice' });
    const rules = { minApprovals: 1, allowSelfApproval: true, approvedBy: [] };
    expect(judge({ by: 'alice' }, 'approve', { ...OPEN, status, approvalRules: rules })).toMatchObject({ ok: true });
    // A verified deployer (GitHub's creator login) counts over the client's requestedBy.
    const verified = statusFor({ requestedBy: 'ci', deployer: { login: 'bob', verified: true } });
    expect(
      judge({ by: 'bob' }, 'approve', { ...OPEN, status: verified, approvalRules: { ...rules, allowSelfApproval: false } }),
    ).toMatchObject({
      ok: false,
      message: 'bob started this deployment and may not approve it (allowSelfApproval: false)',
    });
  });

  it('minApprovals: 2 takes two different people; the same name twice is refused', async ({ lab, deploy }) => {
    const { plan, handle } = await deploy('svc-sig-two', { ...QUICK, approval: { minApprovals: 2 } });
    const waiting = await waitForStatus(handle, waitingForApproval);
    expect(waiting.waitingFor).toMatch(/^approval by 2 different people among alice or bob/);
    expect(await approveUpdate(handle, 'alice')).toBe(
      'approve by alice accepted for svc-sig-two: 1 of 2 approvals (alice, self-declared), 1 more needed',
    );
    expect(await approveUpdate(handle, 'ALICE')).toBe('refused: ALICE already approved: 2 different people must');
    const still = await handle.query(messages.statusQuery);
    expect(still.phase).toBe('approval');
    expect(still.phases.find((p) => p.name === 'approval')?.detail).toBe(
      '1 of 2 approvals (alice, self-declared): waiting for 1 more from different people',
    );
    expect(await approveUpdate(handle, 'bob')).toBe('approve by bob accepted for svc-sig-two');
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.phases.find((p) => p.name === 'approval')?.detail).toBe('approved by alice, bob (self-declared)');
    expect(result.approvals.map((a) => [a.by, a.counted])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    expect(recordStatuses(lab, plan.deploymentId)).toContain('approved by alice, bob (self-declared); switching traffic');
  });

  it('a rejection: ABORTED, and the GitHub Deployment record calls the rejecter self-declared', async ({ lab, deploy }) => {
    const { plan, handle } = await deploy('svc-sig-reject', QUICK);
    await waitForStatus(handle, waitingForApproval);
    await handle.signal(messages.rejectSignal, { by: 'bob', reason: 'checkout broken' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    const statuses = recordStatuses(lab, plan.deploymentId);
    // Newest first, as GitHub lists them.
    expect(statuses[0]).toBe('rejected by bob (self-declared): checkout broken; traffic untouched');
  });
});

describe('approval by signal: org/team approvers cannot be verified', () => {
  it('a team name is refused as a signer, and team entries match nobody on this path', async ({ deploy }) => {
    const { handle } = await deploy('svc-sig-team', { ...QUICK, approval: { approvers: ['datatruck/qa', 'bob'] } });
    await waitForStatus(handle, waitingForApproval);
    expect(await approveUpdate(handle, 'datatruck/qa')).toBe(
      'refused: "datatruck/qa" names a team: a signal cannot show who in the team sent it, so teams decide only via GitHub (approval.via: github); name yourself',
    );
    // alice is in datatruck/qa on the lab's GitHub, but a signal cannot prove she sent it.
    expect(await approveUpdate(handle, 'alice')).toBe(
      'refused: alice is not on the approvers list (datatruck/qa, bob); its team entries (datatruck/qa) cannot be verified for a signal and count only on approval via GitHub',
    );
    await handle.signal(messages.approveSignal, { by: 'datatruck/qa' });
    const ignored = await waitForStatus(handle, (s) => (s.ignoredSignals ?? []).length > 0);
    expect(ignored.ignoredSignals![0]!.reason).toMatch(/names a team/);
    expect(await approveUpdate(handle, 'bob')).toBe('approve by bob accepted for svc-sig-team');
    expect((await finalStatus(handle)).outcome).toBe('SUCCEEDED');
  });

  it('promote: only the policy’s promoters, never a team name; team promoters count only by name', () => {
    const status = statusFor({ phase: 'monitor', promoters: ['datatruck/sre', 'carol'] });
    const rules = { minApprovals: 1, allowSelfApproval: false, approvedBy: [] };
    const ctx = { ...OPEN, status, approvalRules: rules };
    expect(judge({ by: 'carol' }, 'promote', ctx)).toMatchObject({ ok: true });
    expect(judge({ by: 'datatruck/sre' }, 'promote', ctx)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/names a team/),
    });
    expect(judge({ by: 'mallory' }, 'promote', ctx)).toMatchObject({
      ok: false,
      message:
        'mallory may not promote (promoters: datatruck/sre, carol); its team entries (datatruck/sre) cannot be verified for a signal and count only on approval via GitHub',
    });
    // Nobody may promote: the monitor window ends by itself.
    expect(judge({ by: 'carol' }, 'promote', { ...ctx, status: { ...status, promoters: [] } })).toMatchObject({ ok: false });
  });
});

const OPEN = {
  approvalOpen: true,
  approvalDecided: false,
  rollbackRequested: false,
  abortRequested: false,
  promoted: false,
};

function statusFor(fields: Partial<DeploymentStatus>): DeploymentStatus {
  return {
    service: 'svc',
    deploymentId: 'svc-20261202-000000-abcd',
    phase: 'approval',
    requestedBy: 'test',
    startedAt: '2026-12-02T00:00:00Z',
    phases: [],
    approvals: [],
    approvers: ['alice', 'bob'],
    ...fields,
  };
}
