// A release train's one approval verified by GitHub. When a service the train's gate covers takes
// approvals via GitHub (its policy's `approval.via: github` with a QA environment), the train's
// approval is that service's own gate on GitHub, run at its hold with the train's count of
// approvals (phases/hold.ts, approval-github.ts: the same gate runs, checks and records as alone).
// QA reviews that gate run, whose link the train shows beside every service's SHA and evidence;
// the logins GitHub verified are then judged by the train's and every covered service's rules
// (train-gate.ts), as any approval of the train. Names typed into signals are refused meanwhile.
import { condition } from '@temporalio/workflow';
import { VERIFIED_BY_GITHUB } from '../../contract/approval-labels.js';
import { bluegreenCommand } from '../../contract/commands.js';
import { orList, shortSha } from '../../contract/format.js';
import type { TrainStatus } from '../../contract/train.js';
import type { GateStatus } from '../../contract/types.js';
import { approvesViaGitHub } from '../approval-rules.js';
import type { CleanDecision } from '../decisions.js';
import { judgeTrainDecision, type GateState } from './train-gate.js';
import type { Train, TrainChild, TrainFailure } from './train-state.js';

/** The service that holds the train's gate on GitHub: the first covered one, in switch order, approved via GitHub. */
export function gateHolderOf(train: Train): TrainChild | undefined {
  return train.inSwitchOrder().find((c) => {
    const ready = c.reports.ready;
    return ready?.covered === true && ready.approval !== undefined && approvesViaGitHub({ approval: ready.approval });
  });
}

/** The holder's gate as the train shows it: the gate run waiting now when it reported one. */
function gateOf(train: Train, holder: TrainChild, needed: number): NonNullable<TrainStatus['gate']> {
  const reported = holder.reports.gate?.status.gate;
  const gate: GateStatus = reported ?? {
    github: holder.plan.github,
    environment: holder.reports.ready?.approval?.gate?.environment ?? 'its QA environment',
    reviewers: [],
    approvalsNeeded: needed,
    approvedBy: [],
  };
  return { ...gate, service: holder.service, workflowId: holder.workflowId };
}

function waitingText(train: Train, gate: NonNullable<TrainStatus['gate']>): string {
  const name = train.plan.train;
  const shas = train.status.services.map((s) => `${s.service}${s.sha ? ` ${shortSha(s.sha)}` : ''}`).join(', ');
  const who = `a required reviewer of ${gate.environment}${gate.reviewers.length > 0 ? ` (${orList(gate.reviewers)})` : ''}`;
  if (gate.runId === undefined || !gate.url) {
    return `${gate.service} to open the train's QA gate on GitHub (${gate.github.owner}/${gate.github.repo}, environment ${gate.environment}); one review there approves every service (${shas})`;
  }
  return (
    `approval on GitHub by ${who}, one review for the whole train (${shas}): open ${gate.url} → Review deployments, ` +
    `or \`${bluegreenCommand('train', 'approve', name, '[--comment "..."]')}\` with your own GITHUB_TOKEN ` +
    `(reject: \`${bluegreenCommand('train', 'reject', name, '--reason "..."')}\`)`
  );
}

/** Shows the holder's gate (and each new gate run) in the train's status until `done()`; `shown` hears of each. */
export async function showGateWhile(
  train: Train,
  holder: TrainChild,
  needed: number,
  done: () => boolean,
  shown?: (gate: GateStatus) => void,
): Promise<void> {
  let showing: number | undefined = -1;
  for (;;) {
    await condition(() => done() || holder.reports.gate?.status.gate?.runId !== showing);
    if (done()) return;
    showing = holder.reports.gate?.status.gate?.runId;
    const gate = gateOf(train, holder, needed);
    train.setGate(gate);
    train.setWaitingFor(waitingText(train, gate));
    shown?.(gate);
  }
}

/** Opens the train's gate on GitHub: the holder is asked to run it; the status shows it at once (signals are refused from now on). */
export async function openGitHubGate(train: Train, holder: TrainChild, needed: number): Promise<void> {
  train.setGate(gateOf(train, holder, needed));
  await train.order(holder, 'gate', { minApprovals: needed });
}

/** What the train takes from its gate on GitHub: the verified approvals that count for it, and where GitHub verified them. */
export interface VerifiedApproval {
  approvedBy: CleanDecision[];
  verifiedOn: string;
}

/**
 * The logins GitHub verified on the holder's gate, each judged as an approval of the train (its
 * approvers, every covered service's approvers and self-approval rules, distinct people); or why
 * the train stops when one does not count.
 */
export function countVerifiedApprovals(train: Train, holder: TrainChild, state: GateState): VerifiedApproval | TrainFailure {
  const status = holder.reports.approved!.status;
  const gate = status.gate;
  const logins = gate?.approvedBy ?? [];
  const verifiedOn = `${holder.service}'s QA gate on GitHub (${gate ? `${gate.github.owner}/${gate.github.repo}, environment ${gate.environment}` : 'its environment'})`;
  const approvedBy: CleanDecision[] = [];
  for (const login of logins) {
    const comment = status.approvals.find((a) => a.verified && a.counted && a.by === login)?.comment;
    const verdict = judgeTrainDecision({ by: login, ...(comment ? { comment } : {}) }, 'approve', {
      ...state,
      approvalOpen: true,
      approvalDecided: false,
      verified: true,
      approvedBy,
    });
    train.status.approvals.push({
      by: login,
      decision: 'approved',
      at: new Date().toISOString(),
      counted: verdict.ok,
      verified: true,
      ...(comment ? { comment } : {}),
      note: verdict.ok ? `on ${verifiedOn}` : verdict.message,
    });
    if (!verdict.ok) {
      train.publish();
      return {
        reason: `the approval by @${login} (${VERIFIED_BY_GITHUB} on ${verifiedOn}) does not count for the train: ${verdict.message}`,
        outcome: 'ABORTED',
      };
    }
    approvedBy.push(verdict.decision);
  }
  train.publish();
  if (approvedBy.length === 0)
    return { reason: `${holder.service}'s gate on GitHub passed without a verified approval`, outcome: 'ABORTED' };
  return { approvedBy, verifiedOn };
}
