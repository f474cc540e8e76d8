// Who may decide for a release train, by the same rules as for one service (decisions.ts,
// decision-authority.ts): an approval of the train must count for the train's own approvers and
// for every service its gate covers, under that service's policy-applied rules (approvers,
// minApprovals, self-approval, channels); abort and rollback are open to whoever may send them
// to every service that has said who that is. Pure functions of the train's state.
import { authorityOf } from '../decision-authority.js';
import { bluegreenCommand } from '../../contract/commands.js';
import { judge, type CleanDecision, type DecisionContext, type Verdict } from '../decisions.js';
import type { DecisionKind } from '../../contract/vocabulary.js';
import type { TrainPlan, TrainReport } from '../../contract/train.js';
import type { DeploymentStatus, GateStatus } from '../../contract/types.js';

export interface GateState {
  plan: TrainPlan;
  /** The ready reports of the services the train's gate covers (they carry their approval rules). */
  covered: readonly TrainReport[];
  /** Every ready report so far (who may abort or roll back each service). */
  reported: readonly TrainReport[];
  approvalOpen: boolean;
  approvalDecided: boolean;
  approvedBy: readonly CleanDecision[];
  /** Traffic may have moved for some service: abort is over, rollback is the way back. */
  released: boolean;
  /** The whole train was healthy and its services went on to sync: the train rolls nothing back any more. */
  wentOn?: boolean;
  rollbackRequested: boolean;
  abortRequested: boolean;
  ended: boolean;
  /** The train's QA gate on GitHub: approvals and rejections by signal are refused, as for one service with a gate. */
  gate?: GateStatus;
  /**
   * The decision is a login GitHub verified on the train's gate (not a signal): the policies'
   * channels are satisfied; every other rule (approvers, self-approval, distinct people) applies.
   */
  verified?: boolean;
}

/** The distinct approvals the train needs: its own minimum, and each covered service's. */
export const approvalsNeeded = (state: Pick<GateState, 'plan' | 'covered'>): number =>
  Math.max(state.plan.approval.minApprovals, ...state.covered.map((r) => r.approval?.minApprovals ?? 1));

/** The train itself as a status the decision rules read: its approvers, its requester, no self-approval. */
function trainAsStatus(state: GateState, phase: DeploymentStatus['phase']): DeploymentStatus {
  const { plan } = state;
  return {
    service: `train ${plan.train}`,
    deploymentId: plan.trainId,
    phase,
    requestedBy: plan.requestedBy,
    startedAt: '',
    phases: [],
    approvals: [],
    approvers: plan.approval.approvers,
    allowSelfApproval: false,
    ...(state.ended ? { outcome: 'FAILED' as const } : {}),
  };
}

const phaseFor = (kind: DecisionKind, state: GateState): DeploymentStatus['phase'] =>
  kind === 'rollback' ? 'monitor' : state.approvalOpen ? 'approval' : 'deploy';

/** The decision contexts an approval, rejection, abort or rollback of the train must pass, each with its name. */
function contexts(kind: DecisionKind, state: GateState): { of: string; ctx: DecisionContext }[] {
  const approvedBy = state.approvedBy.map((d) => d.by);
  const base = {
    approvalOpen: state.approvalOpen,
    approvalDecided: state.approvalDecided,
    rollbackRequested: state.rollbackRequested,
    abortRequested: state.abortRequested,
    promoted: false,
  };
  const phase = phaseFor(kind, state);
  const train = {
    of: `train ${state.plan.train}`,
    ctx: {
      ...base,
      status: trainAsStatus(state, phase),
      approvalRules: { minApprovals: approvalsNeeded(state), allowSelfApproval: false, approvedBy },
    },
  };
  const services = (kind === 'approve' || kind === 'reject' ? state.covered : state.reported).map((r) => {
    const approval = r.approval ?? { required: false, approvers: r.status.approvers, timeoutMs: 0 };
    return {
      of: r.service,
      ctx: {
        ...base,
        status: { ...r.status, phase, outcome: undefined, gate: undefined },
        approvalRules: {
          minApprovals: approval.minApprovals ?? 1,
          allowSelfApproval: approval.allowSelfApproval ?? false,
          approvedBy,
        },
        ...(r.approval && !state.verified ? { authority: authorityOf({ approval: r.approval }) } : {}),
      } satisfies DecisionContext,
    };
  });
  return [train, ...services];
}

/** Whether a decision counts for the train now, and if not, the sentence that says why (naming the service). */
export function judgeTrainDecision(raw: unknown, kind: DecisionKind, state: GateState): Verdict {
  if (state.ended) return { ok: false, message: 'the train already finished' };
  if (kind === 'abort' && state.released) {
    return { ok: false, message: 'traffic may already have moved for a service of the train: use rollback instead of abort' };
  }
  if (kind === 'rollback' && state.wentOn) {
    return {
      ok: false,
      message:
        'the whole train was healthy and its services went on to sync: the train no longer rolls them back, and a service past its point of no return (post-sync hooks) cannot go back at all',
    };
  }
  if (kind === 'rollback' && !state.released) {
    return { ok: false, message: 'no service of the train has switched yet: use abort to stop the train' };
  }
  if (kind !== 'approve' && kind !== 'reject' && kind !== 'abort' && kind !== 'rollback') {
    return { ok: false, message: `a train takes approve, reject, abort and rollback; ${kind} goes to a service of it` };
  }
  if ((kind === 'approve' || kind === 'reject') && state.gate && !state.verified) {
    const { gate } = state;
    return {
      ok: false,
      message:
        `train ${state.plan.train} takes approvals on GitHub only (a required reviewer of ${gate.environment}, verified by GitHub): ` +
        `${gate.url ? `${gate.url} → Review deployments, or ` : ''}${bluegreenCommand('train', kind, state.plan.train)} with your own GITHUB_TOKEN`,
    };
  }
  let accepted: Verdict | undefined;
  for (const { of, ctx } of contexts(kind, state)) {
    const verdict = judge(raw, kind, ctx);
    if (!verdict.ok) return { ...verdict, message: of.startsWith('train ') ? verdict.message : `${of}: ${verdict.message}` };
    accepted ??= verdict;
  }
  return accepted!;
}
