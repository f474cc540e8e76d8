// Who may approve a release train when a service it covers takes approvals only verified by
// GitHub: a name typed into a signal never counts (neither before the train's gate on GitHub is
// open, nor while it is); a login GitHub verified on that gate is judged by the train's and every
// covered service's rules. Pure: the train's judgment (workflows/train/train-gate.ts), no server.
import { describe, expect, it } from 'vitest';
import type { TrainPlan, TrainReport } from '../contract/train.js';
import type { ApprovalPlan, DeploymentStatus, GateStatus } from '../contract/types.js';
import { judgeTrainDecision, type GateState } from '../workflows/train/train-gate.js';

const status = (service: string): DeploymentStatus => ({
  service,
  deploymentId: `${service}-1`,
  phase: 'hold',
  requestedBy: 'deployer',
  startedAt: '2026-12-07T03:00:00.000Z',
  phases: [],
  approvals: [],
  approvers: ['alice', 'qa-lead'],
});

const report = (service: string, approval: ApprovalPlan): TrainReport => ({
  service,
  workflowId: `bluegreen-${service}`,
  runId: 'run-1',
  stage: 'ready',
  status: status(service),
  approval,
  covered: true,
});

const GITHUB_ONLY: ApprovalPlan = {
  required: true,
  approvers: ['alice', 'qa-lead'],
  timeoutMs: 3_600_000,
  via: ['github'],
  gate: { workflow: 'qa-gate.yml', ref: 'main', environment: 'qa' },
};
const SIGNAL_TOO: ApprovalPlan = {
  required: true,
  approvers: ['alice', 'qa-lead'],
  timeoutMs: 3_600_000,
  via: ['signal', 'github'],
};

const plan: TrainPlan = {
  train: 'shop',
  trainId: 'shop-1',
  requestedBy: 'deployer',
  services: [],
  approval: { required: true, approvers: ['alice', 'qa-lead'], minApprovals: 1, timeoutMs: 3_600_000, perService: false },
  monitor: {},
  rollback: { automatic: true },
};

const gate: GateStatus = {
  github: { owner: 'datatruck', repo: 'backend' },
  environment: 'qa',
  reviewers: ['datatruck/qa'],
  runId: 7,
  url: 'https://github.com/datatruck/backend/actions/runs/7',
  approvalsNeeded: 1,
  approvedBy: [],
};

const covered = [report('api', GITHUB_ONLY), report('web', SIGNAL_TOO)];
const state = (more: Partial<GateState> = {}): GateState => ({
  plan,
  covered,
  reported: covered,
  approvalOpen: true,
  approvalDecided: false,
  approvedBy: [],
  released: false,
  rollbackRequested: false,
  abortRequested: false,
  ended: false,
  ...more,
});

describe("a release train's approval when a covered service takes only approvals verified by GitHub", () => {
  it('refuses a typed name by the service policy, naming the service, even before the gate on GitHub is shown', () => {
    const verdict = judgeTrainDecision({ by: 'qa-lead' }, 'approve', state());
    expect(verdict).toMatchObject({ ok: false });
    expect(!verdict.ok && verdict.message).toMatch(/^api: .*only verified by GitHub.*a name typed into a signal proves nothing/);
  });

  it('refuses a typed approval or rejection while the gate waits on GitHub, saying where to review', () => {
    for (const kind of ['approve', 'reject'] as const) {
      const verdict = judgeTrainDecision({ by: 'alice', reason: 'no' }, kind, state({ gate }));
      expect(!verdict.ok && verdict.message).toBe(
        `train shop takes approvals on GitHub only (a required reviewer of qa, verified by GitHub): ${gate.url} → Review deployments, or bluegreen train ${kind} shop with your own GITHUB_TOKEN`,
      );
    }
  });

  it('takes a login GitHub verified when every rule allows it, and names the rule that does not', () => {
    expect(judgeTrainDecision({ by: 'alice' }, 'approve', state({ gate, verified: true }))).toMatchObject({ ok: true });
    const notListed = judgeTrainDecision({ by: 'bob' }, 'approve', state({ gate, verified: true }));
    expect(!notListed.ok && notListed.message).toMatch(/bob is not on the approvers list/);
    // The deployer of the train may not approve it (no self-approval), verified or not.
    const deployer = judgeTrainDecision({ by: 'deployer' }, 'approve', {
      ...state({ gate, verified: true }),
      plan: { ...plan, approval: { ...plan.approval, approvers: [] } },
    });
    expect(!deployer.ok && deployer.message).toBe(
      'deployer started this deployment and may not approve it (allowSelfApproval: false)',
    );
  });

  it('lets abort through whatever the channels (an abort is not an approval)', () => {
    expect(judgeTrainDecision({ by: 'deployer', reason: 'wrong build' }, 'abort', state({ gate }))).toMatchObject({ ok: true });
  });
});
