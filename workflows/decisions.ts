// The human decisions a deployment accepts (approve, reject, rollback, abort, promote, retry,
// override), as pure functions of the current status: who may send each (decision-authority.ts),
// then whether the moment allows it. One rule set serves both the signals (for the stock
// Temporal CLI and the Web UI) and the updates (whose validators refuse at once).
import { MAX_TEXT_LENGTH } from '../contract/messages.js';
import { checkName, inertText } from '../contract/sanitize.js';
import { notListed, refusedApproval, type SignalApprovalRules } from './signal-approval-rules.js';
import { operatorRefusal, signalApprovalRefusal, unverifiedRefusal, type DecisionAuthority } from './decision-authority.js';
import type { StatusView } from '../contract/types.js';
import { beforeTraffic, DECISIONS, type DecisionKind } from '../contract/vocabulary.js';
import { bluegreenCommand } from '../contract/commands.js';

export type { DecisionKind } from '../contract/vocabulary.js';

/** A decision after its payload has been checked and cut to size. */
export interface CleanDecision {
  kind: DecisionKind;
  by: string;
  text?: string;
}

export type Verdict = { ok: true; decision: CleanDecision } | { ok: false; message: string; decision?: CleanDecision };

/** Signals can carry anything (they are not validated by Temporal): never throw on them. */
export function cleanPayload(kind: DecisionKind, raw: unknown): CleanDecision | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return `${kind}: the payload must be an object like {"by":"alice"}`;
  }
  const record = raw as Record<string, unknown>;
  const by = record['by'];
  if (typeof by !== 'string' || by.trim() === '') return `${kind}: "by" must be a non-empty string naming who decides`;
  // Names reach every status viewer's terminal and the Web UI: a safe alphabet, or refused.
  const name = checkName(by);
  if (!name.ok) return `${kind}: "by" ${name.shown ? `"${name.shown}" ` : ''}is refused: ${name.why}`;
  const textField = DECISIONS[kind].textField;
  const decision: CleanDecision = { kind, by: name.name };
  if (textField) {
    const text = record[textField.name];
    if (text !== undefined && typeof text !== 'string') return `${kind}: "${textField.name}" must be a string`;
    if (textField.required && (text === undefined || text.trim() === '')) {
      return `${kind}: "${textField.name}" is required, say why`;
    }
    // Kept as one inert line: no control characters, escape sequences or line breaks.
    const inert = typeof text === 'string' ? inertText(text, MAX_TEXT_LENGTH) : '';
    if (textField.required && inert === '') return `${kind}: "${textField.name}" is required, say why`;
    if (inert !== '') decision.text = inert;
  }
  return decision;
}

export interface DecisionContext {
  status: StatusView;
  approvalOpen: boolean;
  approvalDecided: boolean;
  rollbackRequested: boolean;
  abortRequested: boolean;
  promoted: boolean;
  retryRequested?: boolean;
  overrideRequested?: boolean;
  /** A rollback held by an unhealthy old color was decided (rollback or abort). */
  heldRollbackDecided?: boolean;
  /** An inconclusive metric analysis asks: promote goes on as if it passed (verify too). */
  analysisQuestionOpen?: boolean;
  /** `abort` between traffic steps returns all traffic, as a rollback does (absent: refused, older runs). */
  abortDuringSteps?: boolean;
  /**
   * Separation of duties on the signal path (signal-approval-rules.ts); the workflow always
   * passes them; without them names are matched literally and one approval decides.
   */
  approvalRules?: SignalApprovalRules;
  /**
   * Who may send which decision under the worker's policy (decision-authority.ts); absent in
   * deployments started before it (they replay with the checks they had).
   */
  authority?: DecisionAuthority;
}

/** Whether a decision counts now, and if not, the one sentence that says why. */
export function judge(raw: unknown, kind: DecisionKind, ctx: DecisionContext): Verdict {
  const cleaned = cleanPayload(kind, raw);
  if (typeof cleaned === 'string') return { ok: false, message: cleaned };
  const decision = cleaned;
  const { status, authority } = ctx;
  if (status.outcome) return { ok: false, decision, message: `deployment already finished: ${status.outcome}` };
  // Who may send it, before what the moment allows: a refusal says so whatever the phase.
  const refusal = authority ? whoMayNot(decision, status, authority) : undefined;
  if (refusal) return { ok: false, decision, message: refusal };
  switch (kind) {
    case 'approve':
    case 'reject': {
      if (status.gate) {
        return {
          ok: false,
          decision,
          message: `this deployment takes approvals on GitHub only (a required reviewer of ${status.gate.environment}, verified by GitHub): ${status.gate.url ? `${status.gate.url} → Review deployments, or ` : ''}${bluegreenCommand(kind, status.service)} with your own GITHUB_TOKEN`,
        };
      }
      if (ctx.approvalDecided) return { ok: false, decision, message: 'the approval was already decided' };
      if (!ctx.approvalOpen) {
        return { ok: false, decision, message: `not waiting for approval (phase: ${status.phase})` };
      }
      const rules = ctx.approvalRules;
      if (rules) {
        const why =
          (status.approvers.length > 0 ? notListed(decision.by, status.approvers, 'approvers') : undefined) ??
          (kind === 'approve' ? refusedApproval(decision.by, status, rules) : undefined);
        return why ? { ok: false, decision, message: why } : { ok: true, decision };
      }
      if (status.approvers.length > 0 && !status.approvers.includes(decision.by)) {
        return {
          ok: false,
          decision,
          message: `${decision.by} is not on the approvers list (${status.approvers.join(', ')})`,
        };
      }
      return { ok: true, decision };
    }
    case 'abort': {
      // A held rollback: abort keeps traffic on the new color (FAILED), once.
      if (status.standby?.held) return heldRollbackAnswer(decision, ctx);
      // A failed step waiting for a decision may be given up whatever the phase (onFailure: ask).
      if (status.stepFailure && !ctx.abortRequested) return { ok: true, decision };
      // Part of the traffic moved: stopping the steps means taking it all back (Argo's abort too).
      if (ctx.abortDuringSteps && betweenSteps(status)) {
        if (ctx.rollbackRequested || ctx.promoted)
          return { ok: false, decision, message: 'the traffic steps are already ending' };
        if (status.pointOfNoReturn) {
          return { ok: false, decision, message: 'point of no return passed: the post-sync clean-up has started' };
        }
        return { ok: true, decision };
      }
      if (!beforeTraffic(status.phase)) {
        return { ok: false, decision, message: 'traffic may already have moved: use rollback instead of abort' };
      }
      if (ctx.abortRequested) return { ok: false, decision, message: 'an abort was already requested' };
      return { ok: true, decision };
    }
    case 'rollback': {
      // A held rollback: a second rollback switches back although the old color is unhealthy.
      if (status.standby?.held) return heldRollbackAnswer(decision, ctx);
      if (status.pointOfNoReturn) {
        return { ok: false, decision, message: 'point of no return passed: the post-sync clean-up has started' };
      }
      if (beforeTraffic(status.phase)) {
        return { ok: false, decision, message: 'traffic has not moved yet: use abort to stop this deployment' };
      }
      if (status.phase === 'rollback' || ctx.rollbackRequested) {
        return { ok: false, decision, message: 'a rollback is already under way' };
      }
      return { ok: true, decision };
    }
    case 'promote': {
      // Only a promoter answers an open analysis question, as it ends the monitor window.
      const notPromoter = authority ? promoterRefusal(decision.by, status, ctx) : undefined;
      if (notPromoter) return { ok: false, decision, message: notPromoter };
      if (ctx.analysisQuestionOpen && !ctx.promoted) return { ok: true, decision };
      // A progressive switch between its steps: promote goes to 100 % at once.
      const stepping = betweenSteps(status);
      if (status.phase !== 'monitor' && status.phase !== 'bake' && !stepping) {
        return { ok: false, decision, message: `not monitoring (phase: ${status.phase}): nothing to promote` };
      }
      if (ctx.promoted || ctx.rollbackRequested) {
        const ending = status.phase === 'bake' ? 'bake' : stepping ? 'traffic steps' : 'monitor window';
        return { ok: false, decision, message: `the ${ending} ${stepping ? 'are' : 'is'} already ending` };
      }
      // Ending the monitor early is a decision like an approval: only the policy's promoters.
      const why = authority ? undefined : promoterRefusal(decision.by, status, ctx);
      return why ? { ok: false, decision, message: why } : { ok: true, decision };
    }
    case 'retry': {
      if (!status.stepFailure) {
        return { ok: false, decision, message: `no failed step waits for a decision (phase: ${status.phase})` };
      }
      if (ctx.retryRequested || ctx.abortRequested)
        return { ok: false, decision, message: 'the failed step was already decided' };
      return { ok: true, decision };
    }
    case 'override': {
      if (status.phase !== 'window' || !status.switchWindow) {
        return { ok: false, decision, message: `not waiting for a switch window (phase: ${status.phase})` };
      }
      if (ctx.overrideRequested) return { ok: false, decision, message: 'the switch window was already overridden' };
      if (authority) return { ok: true, decision }; // who may: checked above
      if (status.approvers.length > 0 && ctx.approvalRules) {
        const why = notListed(decision.by, status.approvers, 'approvers');
        return why ? { ok: false, decision, message: why } : { ok: true, decision };
      }
      if (status.approvers.length > 0 && !status.approvers.includes(decision.by)) {
        return { ok: false, decision, message: `${decision.by} is not on the approvers list (${status.approvers.join(', ')})` };
      }
      return { ok: true, decision };
    }
  }
}

/** A progressive switch under way: some traffic on the new color, not all of it yet. */
export const betweenSteps = (status: StatusView): boolean =>
  status.phase === 'switch' && status.weight !== undefined && status.weight.percent < 100;

function heldRollbackAnswer(decision: CleanDecision, ctx: DecisionContext): Verdict {
  if (ctx.heldRollbackDecided) return { ok: false, decision, message: 'the held rollback was already decided' };
  return { ok: true, decision };
}

/** Why the policy does not let `decision.by` send this kind of decision at all, or undefined. */
function whoMayNot(decision: CleanDecision, status: StatusView, authority: DecisionAuthority): string | undefined {
  switch (decision.kind) {
    case 'approve':
    case 'reject':
      // Via a GitHub gate the judge's own sentence says where to approve instead.
      return status.gate ? undefined : signalApprovalRefusal(status, authority);
    case 'promote':
      return unverifiedRefusal('promote', status, authority);
    case 'override':
      return (
        unverifiedRefusal('override', status, authority) ??
        (status.approvers.length > 0
          ? notListed(decision.by, status.approvers, 'approvers')
          : operatorRefusal(decision.by, 'override', status, authority))
      );
    case 'abort':
      // Until the plan phase applied the worker's policy (it sets the promoters) nothing has
      // happened and nobody is known to the policy: stopping stays open to whoever asks.
      if (status.promoters === undefined) return undefined;
      return operatorRefusal(decision.by, decision.kind, status, authority);
    case 'retry':
    case 'rollback':
      return operatorRefusal(decision.by, decision.kind, status, authority);
  }
}

/** Why `by` may not promote under the policy's promoters, or undefined (no list: older runs). */
function promoterRefusal(by: string, status: StatusView, ctx: DecisionContext): string | undefined {
  const promoters = status.promoters;
  if (promoters === undefined) return undefined;
  if (promoters.length > 0 && ctx.approvalRules) return notListed(by, promoters, 'promoters');
  if (promoters.some((p) => p.toLowerCase() === by.toLowerCase())) return undefined;
  return promoters.length > 0
    ? `${by} may not promote (promoters: ${promoters.join(', ')})`
    : "nobody may promote this deployment under the worker's policy: the monitor window ends by itself";
}

/** The rollback reason a human request gives. */
export const rollbackRequested = (decision: CleanDecision): string =>
  `${decision.kind === 'abort' ? 'abort' : 'rollback'} requested by ${decision.by}: ${decision.text ?? 'no reason given'}`;
