// The human side of a deployment: the signals and updates people send (approve, reject,
// rollback, abort, promote) and the status query. One rule set (decisions.ts) judges both;
// signals that do not count are kept, bounded, so the status can say why they were ignored.
import { log, setHandler } from '@temporalio/workflow';
import { approvalRulesOf } from './approval-rules.js';
import { authorityOf } from './decision-authority.js';

import { betweenSteps, judge, type CleanDecision, type DecisionKind } from './decisions.js';
import { countRefusedDecision } from './metrics.js';
import * as messages from '../contract/messages.js';
import { inertText } from '../contract/sanitize.js';
import type { StatusTracker } from './status-tracker.js';
import type { DeploymentPlan } from '../contract/types.js';
import { hookOf } from '../contract/vocabulary.js';
import { deprecatedPatch, isPatched } from '../contract/patches.js';

const MAX_RECORDED_DECISIONS = 100;
const MAX_IGNORED_SIGNALS = 20;

/** What people decided so far; the phase machine waits on these with condition(). */
export interface HumanInput {
  approvalOpen: boolean;
  approval?: CleanDecision;
  rollback?: CleanDecision;
  abort?: CleanDecision;
  promote?: CleanDecision;
  /** onFailure: ask — cleared once the waiting step used it. */
  retry?: CleanDecision;
  /** A switch window overridden by an approver. */
  override?: CleanDecision;
  /** An inconclusive metric analysis waits for promote (go on) or abort / rollback (stop). */
  analysisQuestionOpen?: boolean;
  /** Signal path: the approvals that counted so far (minApprovals distinct names end the gate). */
  approvedBy?: CleanDecision[];
  /** A rollback held by an unhealthy old color: `rollback` switches anyway, `abort` keeps traffic where it is. */
  heldRollback?: CleanDecision;
  /** Every decision is checked against who may send it under the policy (decision-authority.ts). */
  authority?: boolean;
  /** `abort` between traffic steps is taken as a rollback of the steps (decisions.ts). */
  abortDuringSteps?: boolean;
}

/** Registers every handler; called first thing in the workflow, before any await. */
export function registerHandlers(planNow: () => DeploymentPlan, tracker: StatusTracker, human: HumanInput): void {
  // Separation of duties on the signal path (signal-approval-rules.ts).
  deprecatedPatch('signal-approval-separation-of-duties');
  human.approvedBy = [];
  if (isPatched('decision-authority')) human.authority = true;
  if (isPatched('abort-during-steps')) human.abortDuringSteps = true;
  // Read when a decision arrives: the plan phase has applied the worker's policy by then.
  const approvalRules = () => {
    const { minApprovals, allowSelfApproval } = approvalRulesOf(planNow());
    return { minApprovals, allowSelfApproval, approvedBy: (human.approvedBy ?? []).map((d) => d.by) };
  };
  const context = () => ({
    status: tracker.status,
    approvalOpen: human.approvalOpen,
    approvalDecided: human.approval !== undefined,
    rollbackRequested: human.rollback !== undefined,
    abortRequested: human.abort !== undefined,
    promoted: human.promote !== undefined,
    retryRequested: human.retry !== undefined,
    overrideRequested: human.override !== undefined,
    heldRollbackDecided: human.heldRollback !== undefined,
    analysisQuestionOpen: human.analysisQuestionOpen === true,
    abortDuringSteps: human.abortDuringSteps === true,
    approvalRules: approvalRules(),
    ...(human.authority ? { authority: authorityOf(planNow()) } : {}),
  });

  const record = (decision: CleanDecision, counted: boolean, note?: string) => {
    if (decision.kind !== 'approve' && decision.kind !== 'reject') return;
    if (tracker.status.approvals.length >= MAX_RECORDED_DECISIONS) return;
    tracker.recordApproval({
      by: decision.by,
      decision: decision.kind === 'approve' ? 'approved' : 'rejected',
      at: new Date().toISOString(),
      ...(decision.text !== undefined ? { comment: decision.text } : {}),
      counted,
      ...(note !== undefined ? { note } : {}),
    });
  };

  const accept = (decision: CleanDecision): messages.DecisionResult => {
    record(decision, true);
    // The only question open while a rollback is held (decisions.ts lets these two through).
    if (tracker.status.standby?.held && (decision.kind === 'rollback' || decision.kind === 'abort')) {
      human.heldRollback = decision;
      const what = decision.kind === 'rollback' ? 'switching back anyway' : 'keeping traffic where it is';
      return { accepted: true, message: `${decision.kind} by ${decision.by} accepted for ${planNow().service}: ${what}` };
    }
    switch (decision.kind) {
      case 'approve': {
        const rules = approvalRules();
        if (rules) {
          human.approvedBy!.push(decision);
          const left = rules.minApprovals - human.approvedBy!.length;
          if (left > 0) {
            const progress = `${human.approvedBy!.length} of ${rules.minApprovals} approvals (${human.approvedBy!.map((d) => d.by).join(', ')}, self-declared)`;
            tracker.update('approval', { detail: `${progress}: waiting for ${left} more from different people` });
            return {
              accepted: true,
              message: `approve by ${decision.by} accepted for ${planNow().service}: ${progress}, ${left} more needed`,
            };
          }
        }
        human.approval = decision;
        break;
      }
      case 'reject':
        human.approval = decision;
        break;
      case 'rollback':
        human.rollback = decision;
        break;
      case 'abort':
        if (human.abortDuringSteps && betweenSteps(tracker.status)) {
          // The steps watch for a rollback: the abort becomes one, worded as an abort.
          const weight = tracker.status.weight!;
          const where = weight.step !== undefined ? `step ${weight.step} of ${weight.steps}` : `${weight.percent} %`;
          human.rollback = { ...decision, text: `${decision.text ?? 'no reason given'} (at ${where})` };
          return {
            accepted: true,
            message: `abort by ${decision.by} accepted for ${planNow().service}: all traffic goes back to the old color`,
          };
        }
        human.abort = decision;
        const running = tracker.currentPhase();
        if (running && hookOf(running)?.kind === 'preSwitch') {
          const stopping = `abort requested by ${decision.by}: stopping once this hook run ends (traffic untouched)`;
          tracker.update(running, { detail: stopping });
          return { accepted: true, message: `${stopping} for ${planNow().service}` };
        }
        break;
      case 'promote':
        human.promote = decision;
        break;
      case 'retry':
        human.retry = decision;
        break;
      case 'override':
        human.override = decision;
        break;
    }
    return { accepted: true, message: `${decision.kind} by ${decision.by} accepted for ${planNow().service}` };
  };

  const onSignal = (kind: DecisionKind) => (raw: unknown) => {
    const verdict = judge(raw, kind, context());
    if (verdict.ok) {
      accept(verdict.decision);
      return;
    }
    countRefusedDecision(kind);
    // Signals cannot be refused to the sender: keep a trace of ignored approvals, log the rest.
    if (verdict.decision) record(verdict.decision, false, verdict.message);
    tracker.recordIgnoredSignal(
      {
        signal: kind,
        at: new Date().toISOString(),
        ...(verdict.decision ? { by: verdict.decision.by } : {}),
        reason: inertText(verdict.message, 300),
      },
      MAX_IGNORED_SIGNALS,
    );
    log.warn(`ignored ${kind} signal: ${inertText(verdict.message, 300)}`);
  };

  const validator = (kind: DecisionKind) => (raw: unknown) => {
    const verdict = judge(raw, kind, context());
    if (!verdict.ok) {
      countRefusedDecision(kind);
      throw new Error(verdict.message);
    }
  };
  const onUpdate = (kind: DecisionKind) => (raw: unknown) => {
    const verdict = judge(raw, kind, context());
    if (!verdict.ok) {
      countRefusedDecision(kind);
      return { accepted: false, message: verdict.message };
    }
    return accept(verdict.decision);
  };

  setHandler(messages.statusQuery, () => tracker.snapshot());
  setHandler(messages.approveSignal, onSignal('approve'));
  setHandler(messages.rejectSignal, onSignal('reject'));
  setHandler(messages.rollbackSignal, onSignal('rollback'));
  setHandler(messages.abortSignal, onSignal('abort'));
  setHandler(messages.promoteSignal, onSignal('promote'));
  setHandler(messages.approveUpdate, onUpdate('approve'), { validator: validator('approve') });
  setHandler(messages.rejectUpdate, onUpdate('reject'), { validator: validator('reject') });
  setHandler(messages.rollbackUpdate, onUpdate('rollback'), { validator: validator('rollback') });
  setHandler(messages.abortUpdate, onUpdate('abort'), { validator: validator('abort') });
  setHandler(messages.promoteUpdate, onUpdate('promote'), { validator: validator('promote') });
  setHandler(messages.retrySignal, onSignal('retry'));
  setHandler(messages.overrideWindowSignal, onSignal('override'));
  setHandler(messages.retryUpdate, onUpdate('retry'), { validator: validator('retry') });
  setHandler(messages.overrideWindowUpdate, onUpdate('override'), { validator: validator('override') });
}
