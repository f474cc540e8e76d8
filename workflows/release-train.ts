// releaseTrain: one parent workflow per release train, each service a child blueGreenDeployment
// (its lock, records, notifications and evidence its own). The services deploy and verify as
// soon as those they come after are ready, then hold; one approval covers the train; they switch
// in dependency order, each after those before it are switched and answer on their public
// endpoints; the train is monitored as one; any failure rolls back every switched service in
// reverse order (ROLLED_BACK, naming the service and why); a failure before any switch leaves
// traffic untouched (FAILED / ABORTED); sync only once the whole train is healthy.
// This file holds the sequence and the outcome rules; train/ holds the state and the decisions.
import { ApplicationFailure, condition, log, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import * as messages from '../contract/messages.js';
import { OUTCOME_FAILURE_TYPE } from '../contract/outcome-failure.js';
import { trainReportSignal, trainStatusQuery } from '../contract/train-messages.js';
import { describeLevels, trainOrderProblems, trainWorkflowIdFor, type TrainPlan, type TrainStatus } from '../contract/train.js';
import type { Outcome } from '../contract/types.js';
import { formatDuration, orList } from '../contract/format.js';
import { bluegreenCommand } from '../contract/commands.js';
import { describeFailure } from '../contract/failures.js';
import type { CleanDecision } from './decisions.js';
import type { DecisionKind } from '../contract/vocabulary.js';
import { approvalsNeeded, judgeTrainDecision, type GateState } from './train/train-gate.js';
import { Train, type TrainChild, type TrainFailure } from './train/train-state.js';
import { isPatched } from '../contract/patches.js';
import { countVerifiedApprovals, gateHolderOf, openGitHubGate, showGateWhile } from './train/train-github-gate.js';
import { TrainNotices } from './train/train-notices.js';
import { VERIFIED_BY_GITHUB } from '../contract/approval-labels.js';

/** What people decided for the train. */
interface TrainDecisions {
  approvalOpen: boolean;
  approvedBy: CleanDecision[];
  approval?: CleanDecision;
  /** Where GitHub verified the approvals (the train's gate on GitHub); absent for names typed into signals. */
  verifiedOn?: string;
  abort?: CleanDecision;
  rollback?: CleanDecision;
}

type End = { outcome: Outcome; reason?: string };

export async function releaseTrain(plan: TrainPlan): Promise<TrainStatus> {
  const invalid = planProblem(plan);
  if (invalid)
    throw ApplicationFailure.create({ type: OUTCOME_FAILURE_TYPE.FAILED, message: `FAILED: ${invalid}`, nonRetryable: true });
  const train = new Train(plan);
  const decided: TrainDecisions = { approvalOpen: false, approvedBy: [] };
  registerHandlers(train, decided);
  const notices = TrainNotices.start(train);
  let end: End;
  try {
    end = await runTrain(train, decided, notices);
  } catch (err) {
    const why = describeFailure(err);
    log.error('release train failed unexpectedly', { error: why });
    end = await stopBeforeSwitch(train, { reason: why, outcome: 'FAILED' });
  }
  if (notices) {
    notices.outcome(end.outcome, end.reason);
    await notices.settle();
  }
  return finish(train, end);
}

/** A plan the train cannot run: wrong workflow id for its name, an order with problems, a service not marked as the train's. */
function planProblem(plan: TrainPlan): string | undefined {
  if (!plan || !Array.isArray(plan.services) || plan.services.length === 0) return 'a train plan names at least one service';
  if (workflowInfo().workflowId !== trainWorkflowIdFor(plan.train)) {
    return `train ${plan.train} runs as workflow ${trainWorkflowIdFor(plan.train)}, not ${workflowInfo().workflowId}`;
  }
  const order = trainOrderProblems(plan.services);
  if (order.length > 0) return order.map((p) => p.message).join('; ');
  const stray = plan.services.find(
    (s) => s.plan?.service !== s.service || s.plan.train?.workflowId !== trainWorkflowIdFor(plan.train),
  );
  return stray ? `service ${stray.service}: its plan is not for this service of train ${plan.train}` : undefined;
}

async function runTrain(train: Train, decided: TrainDecisions, notices: TrainNotices | undefined): Promise<End> {
  const stop = await deployStage(train, decided);
  if (stop) return stopBeforeSwitch(train, stop);
  const gate = await approvalStage(train, decided, notices);
  if (gate) return stopBeforeSwitch(train, gate);
  let failure = await switchStage(train, decided);
  if (!failure) {
    notices?.send('switched', 'switch');
    failure = await monitorStage(train, decided);
  }
  if (failure) return rollBackTrain(train, decided, failure);
  return goOnStage(train);
}

const decisionFailure = (decided: TrainDecisions): TrainFailure | undefined =>
  decided.abort
    ? { reason: `aborted by ${decided.abort.by}: ${decided.abort.text ?? 'no reason given'}`, outcome: 'ABORTED' }
    : decided.rollback
      ? {
          reason: `rollback requested by ${decided.rollback.by}: ${decided.rollback.text ?? 'no reason given'}`,
          outcome: 'FAILED',
        }
      : undefined;

/** Every service deployed and verified, each once those it comes after are ready; or why the train stops. */
async function deployStage(train: Train, decided: TrainDecisions): Promise<TrainFailure | undefined> {
  train.setPhase('deploy', `the services to deploy and verify (order: ${describeLevels(train.levels)})`);
  for (;;) {
    for (const child of train.startable()) await train.start(child);
    const stop = decisionFailure(decided) ?? train.failure();
    if (stop) return stop;
    if (train.children.every((c) => c.reports.ready)) return undefined;
    await condition(
      () =>
        decided.abort !== undefined ||
        train.failure() !== undefined ||
        train.startable().length > 0 ||
        train.children.every((c) => c.reports.ready),
    );
  }
}

/** One approval for the train; undefined when it counted (or none is needed). */
async function approvalStage(
  train: Train,
  decided: TrainDecisions,
  notices: TrainNotices | undefined,
): Promise<TrainFailure | undefined> {
  const { plan } = train;
  const covered = coveredReports(train);
  const required = plan.approval.required || covered.some((r) => r.approval?.required);
  if (!required || covered.length === 0) return undefined;
  const needed = approvalsNeeded({ plan, covered });
  const holder = gateHolderOf(train);
  const who = `${needed > 1 ? `${needed} different people among ` : ''}${plan.approval.approvers.length > 0 ? orList(plan.approval.approvers) : 'anyone'}`;
  train.setPhase(
    'approval',
    `approval of the whole train by ${who} (each service's own approval rules apply too): ` +
      `${bluegreenCommand('train', 'approve', plan.train, '--by <name>')} (or: ${bluegreenCommand('train', 'reject', plan.train, '--by <name> --reason "..."')})`,
  );
  if (holder) await openGitHubGate(train, holder, needed);
  decided.approvalOpen = true;
  // A gate on GitHub: the train says it waits once the first gate run has its review link, and
  // who approved (trains started before release-train-speaks-as-one leave both to its holder).
  const gateNotices = holder && !notices?.asOne ? undefined : notices;
  if (!holder) {
    notices?.send('approval-waiting', 'approval', {
      ...(plan.approval.approvers.length > 0 ? { approvers: [...plan.approval.approvers] } : {}),
      command: bluegreenCommand('train', 'approve', plan.train, '--by <name>'),
    });
  }
  const showing = holder
    ? showGateWhile(
        train,
        holder,
        needed,
        () => !decided.approvalOpen,
        (gate) => gateNotices?.gateWaiting(gate, plan.approval.approvers),
      )
    : undefined;
  const answered = await condition(
    () =>
      decided.approval !== undefined ||
      decided.abort !== undefined ||
      train.failure() !== undefined ||
      holder?.reports.approved !== undefined,
    plan.approval.timeoutMs,
  );
  decided.approvalOpen = false;
  await showing;
  train.setWaitingFor(undefined);
  const stop = decisionFailure(decided) ?? train.failure();
  if (stop) {
    gateNotices?.gateRejected(holder);
    return stop;
  }
  if (holder?.reports.approved) {
    const verified = countVerifiedApprovals(train, holder, gateState(train, decided));
    if ('reason' in verified) return verified;
    decided.approvedBy = verified.approvedBy;
    decided.approval = verified.approvedBy.at(-1);
    decided.verifiedOn = verified.verifiedOn;
  }
  if (!answered || !decided.approval) {
    return {
      reason: `no approval of the train within ${formatDuration(plan.approval.timeoutMs)}; traffic untouched`,
      outcome: 'ABORTED',
    };
  }
  if (decided.approval.kind === 'reject') {
    gateNotices?.send('rejected', 'approval', {
      by: decided.approval.by,
      ...(decided.approval.text ? { detail: decided.approval.text } : {}),
    });
    return { reason: `rejected by ${decided.approval.by}: ${decided.approval.text ?? 'no reason given'}`, outcome: 'ABORTED' };
  }
  const comments = decided.approvedBy.flatMap((d) => (d.text ? [d.text] : [])).join(' / ');
  gateNotices?.send('approved', 'approval', {
    by: decided.approvedBy.map((d) => (decided.verifiedOn ? `@${d.by} (${VERIFIED_BY_GITHUB})` : d.by)).join(', '),
    ...(comments ? { detail: comments } : {}),
  });
  return undefined;
}

/** Each service in dependency order, once the one before it answers on its public endpoint; or the failure that stops it. */
async function switchStage(train: Train, decided: TrainDecisions): Promise<TrainFailure | undefined> {
  const approvedBy = decided.approvedBy.map((d) => d.by);
  const approval = {
    ...(approvedBy.length > 0 ? { approvedBy } : {}),
    ...(decided.verifiedOn ? { verifiedOn: decided.verifiedOn } : {}),
  };
  train.inParallel = isPatched('release-train-parallel-switch');
  if (train.inParallel) return switchInParallel(train, decided, approval);
  for (const child of train.inSwitchOrder()) {
    train.setPhase('switch', `${child.service} to answer its new color on its public endpoint`);
    await train.order(child, 'switch', approval);
    await condition(
      () =>
        child.reports.switched !== undefined ||
        child.end !== undefined ||
        train.failure() !== undefined ||
        decided.rollback !== undefined,
    );
    const failure = decisionFailure(decided) ?? train.failure();
    if (failure) return failure;
  }
  return undefined;
}

/** Every service as soon as each one it comes after is switched and answers its new color: independent services together. */
async function switchInParallel(
  train: Train,
  decided: TrainDecisions,
  extra: { approvedBy?: string[]; verifiedOn?: string },
): Promise<TrainFailure | undefined> {
  const allSwitched = () => train.children.every((c) => c.reports.switched !== undefined);
  for (;;) {
    const failure = decisionFailure(decided) ?? train.failure();
    if (failure) return failure;
    if (allSwitched()) return undefined;
    const due = train.switchable();
    if (due.length > 0) {
      const switching = [...train.children.filter((c) => c.orders.has('switch') && !c.reports.switched), ...due];
      train.setPhase('switch', `${switching.map((c) => c.service).join(', ')} to answer the new color on the public endpoints`);
      await Promise.all(due.map((c) => train.order(c, 'switch', extra)));
    }
    await condition(
      () => allSwitched() || train.switchable().length > 0 || train.failure() !== undefined || decided.rollback !== undefined,
    );
  }
}

/** Every service's monitor window, together: healthy when all are. */
async function monitorStage(train: Train, decided: TrainDecisions): Promise<TrainFailure | undefined> {
  train.setPhase(
    'monitor',
    `every service's monitor window to end healthy (to switch the whole train back: ${bluegreenCommand('train', 'rollback', train.plan.train, '--by <name> --reason "..."')})`,
  );
  await condition(
    () => train.children.every((c) => c.reports.monitored) || train.failure() !== undefined || decided.rollback !== undefined,
  );
  return decisionFailure(decided) ?? train.failure();
}

/** The whole train is healthy: every service goes on to sync. */
async function goOnStage(train: Train): Promise<End> {
  train.setPhase('sync', 'every service to sync');
  for (const child of train.children) await train.order(child, 'goOn');
  await condition(() => train.children.every((c) => c.end !== undefined));
  const unhappy = train.children.filter((c) => c.end?.outcome !== 'SUCCEEDED');
  if (unhappy.length === 0) return { outcome: 'SUCCEEDED' };
  train.addNote('after the whole train was healthy the services synced on their own: the train does not roll them back');
  const pastNoReturn = train.children.filter((c) => c.end?.status?.pointOfNoReturn).map((c) => c.service);
  if (pastNoReturn.length > 0) {
    train.addNote(
      `past the point of no return (post-sync hooks ran), never to be rolled back: ${pastNoReturn.join(', ')}; fix forward`,
    );
  }
  return {
    outcome: 'FAILED',
    reason: unhappy.map((c) => `${c.service} ended ${c.end!.outcome} after the train was healthy: ${c.end!.reason}`).join('; '),
  };
}

/** Nothing switched: every started service stops (traffic untouched), the train ends FAILED or ABORTED naming why. */
async function stopBeforeSwitch(train: Train, stop: TrainFailure): Promise<End> {
  const reason = `${stop.service ? `${stop.service}: ` : ''}${stop.reason}`;
  train.setPhase(train.status.phase, 'every started service to stop (traffic untouched)');
  for (const child of train.children)
    await train.order(child, 'stop', { reason: `release train ${train.plan.train} stops: ${reason}` });
  await condition(() => train.children.every((c) => !c.started || c.end !== undefined));
  return { outcome: stop.outcome, reason: `${reason}; traffic untouched` };
}

/** Every switched service back to its old color, in reverse switch order; the rest stopped. */
async function rollBackTrain(train: Train, decided: TrainDecisions, failure: TrainFailure): Promise<End> {
  const { plan } = train;
  const reason = `${failure.service ? `${failure.service}: ` : ''}${failure.reason}`;
  if (!plan.rollback.automatic && !decided.rollback) {
    train.setPhase(
      'rollback',
      `a decision: ${reason}. Switch the train back: ${bluegreenCommand('train', 'rollback', plan.train, '--by <name> --reason "..."')}`,
    );
    await condition(() => decided.rollback !== undefined);
  }
  train.setPhase('rollback', 'the switched services to go back, in reverse order');
  // A switch under way settles first: its service reports or ends.
  await condition(() => train.children.every((c) => !c.orders.has('switch') || c.reports.switched || c.reports.failing || c.end));
  const why = `release train ${plan.train} rolls back: ${reason}`;
  for (const child of train.children) if (!child.orders.has('switch')) await train.order(child, 'stop', { reason: why });
  if (train.inParallel) return rollBackInParallel(train, failure, reason, why);
  const rolledBack: string[] = [];
  for (const child of train.inSwitchOrder().reverse()) {
    if (!child.orders.has('switch') || child.end) continue;
    train.setWaitingFor(`${child.service} to go back to ${child.reports.switched?.status.activeColor ?? 'its old color'}`);
    await train.order(child, 'rollback', { reason: why });
    await condition(() => child.end !== undefined);
    rolledBack.push(`${child.service} (${child.end!.outcome})`);
  }
  await condition(() => train.children.every((c) => !c.started || c.end !== undefined));
  noteNotBack(train);
  if (rolledBack.length === 0)
    return { outcome: failure.outcome, reason: `${reason}; no service had switched: traffic untouched` };
  return { outcome: 'ROLLED_BACK', reason: `${reason}; rolled back in reverse order: ${rolledBack.join(', then ')}` };
}

/** Every switched service back once each that comes after it is back: independent services together. */
async function rollBackInParallel(train: Train, failure: TrainFailure, reason: string, why: string): Promise<End> {
  const batches: TrainChild[][] = [];
  const allBack = () => train.children.every((c) => !c.orders.has('switch') || c.end !== undefined);
  while (!allBack()) {
    const due = train.dueBack();
    if (due.length > 0) {
      batches.push(due);
      train.setWaitingFor(`${due.map((c) => c.service).join(', ')} to go back to the old color`);
      await Promise.all(due.map((c) => train.order(c, 'rollback', { reason: why })));
    }
    await condition(() => allBack() || train.dueBack().length > 0);
  }
  await condition(() => train.children.every((c) => !c.started || c.end !== undefined));
  noteNotBack(train);
  if (batches.length === 0) return { outcome: failure.outcome, reason: `${reason}; no service had switched: traffic untouched` };
  const back = batches.map((batch) => batch.map((c) => `${c.service} (${c.end!.outcome})`).join(' and '));
  return { outcome: 'ROLLED_BACK', reason: `${reason}; rolled back in reverse order: ${back.join(', then ')}` };
}

const noteNotBack = (train: Train) => {
  const notBack = train.children.filter((c) => c.orders.has('rollback') && c.end?.outcome !== 'ROLLED_BACK');
  for (const c of notBack) train.addNote(`${c.service} did not end ROLLED_BACK: ${c.end?.outcome}: ${c.end?.reason}`);
};

const coveredReports = (train: Train) => train.children.flatMap((c) => (c.reports.ready?.covered ? [c.reports.ready] : []));

function gateState(train: Train, decided: TrainDecisions): GateState {
  return {
    plan: train.plan,
    covered: coveredReports(train),
    reported: train.children.flatMap((c) => (c.reports.ready ? [c.reports.ready] : [])),
    approvalOpen: decided.approvalOpen,
    approvalDecided: decided.approval !== undefined,
    approvedBy: decided.approvedBy,
    released: train.children.some((c) => c.orders.has('switch')),
    wentOn: train.children.some((c) => c.orders.has('goOn')),
    rollbackRequested: decided.rollback !== undefined,
    abortRequested: decided.abort !== undefined,
    ended: train.status.outcome !== undefined,
    ...(train.status.gate ? { gate: train.status.gate } : {}),
  };
}

function registerHandlers(train: Train, decided: TrainDecisions): void {
  setHandler(trainStatusQuery, () => train.status);
  setHandler(trainReportSignal, (report) => train.acceptReport(report));
  const accept = (decision: CleanDecision): messages.DecisionResult => {
    const at = new Date().toISOString();
    const name = `train ${train.plan.train}`;
    switch (decision.kind) {
      case 'approve': {
        decided.approvedBy.push(decision);
        train.status.approvals.push({
          by: decision.by,
          decision: 'approved',
          at,
          counted: true,
          ...(decision.text ? { comment: decision.text } : {}),
        });
        const needed = approvalsNeeded({ plan: train.plan, covered: coveredReports(train) });
        if (decided.approvedBy.length >= needed) decided.approval = decision;
        train.publish();
        const left = needed - decided.approvedBy.length;
        return {
          accepted: true,
          message: `approve by ${decision.by} accepted for ${name}${left > 0 ? `: ${left} more needed` : ''}`,
        };
      }
      case 'reject':
        decided.approval = decision;
        train.status.approvals.push({
          by: decision.by,
          decision: 'rejected',
          at,
          counted: true,
          ...(decision.text ? { comment: decision.text } : {}),
        });
        break;
      case 'abort':
        decided.abort = decision;
        break;
      case 'rollback':
        decided.rollback = decision;
        break;
      default:
        break;
    }
    train.publish();
    return { accepted: true, message: `${decision.kind} by ${decision.by} accepted for ${name}` };
  };
  const refusedApproval = (raw: unknown, message: string) => {
    const by = (raw as { by?: unknown } | null)?.by;
    if (typeof by === 'string' && train.status.approvals.length < 100) {
      train.status.approvals.push({
        by: by.slice(0, 100),
        decision: 'approved',
        at: new Date().toISOString(),
        counted: false,
        note: message.slice(0, 300),
      });
      train.publish();
    }
  };
  const onSignal = (kind: DecisionKind) => (raw: unknown) => {
    const verdict = judgeTrainDecision(raw, kind, gateState(train, decided));
    if (verdict.ok) accept(verdict.decision);
    else {
      if (kind === 'approve') refusedApproval(raw, verdict.message);
      log.warn(`ignored ${kind} signal for train ${train.plan.train}: ${verdict.message}`);
    }
  };
  const validator = (kind: DecisionKind) => (raw: unknown) => {
    const verdict = judgeTrainDecision(raw, kind, gateState(train, decided));
    if (!verdict.ok) throw new Error(verdict.message);
  };
  const onUpdate = (kind: DecisionKind) => (raw: unknown) => {
    const verdict = judgeTrainDecision(raw, kind, gateState(train, decided));
    return verdict.ok ? accept(verdict.decision) : { accepted: false, message: verdict.message };
  };
  setHandler(messages.approveSignal, onSignal('approve'));
  setHandler(messages.rejectSignal, onSignal('reject'));
  setHandler(messages.abortSignal, onSignal('abort'));
  setHandler(messages.rollbackSignal, onSignal('rollback'));
  setHandler(messages.approveUpdate, onUpdate('approve'), { validator: validator('approve') });
  setHandler(messages.rejectUpdate, onUpdate('reject'), { validator: validator('reject') });
  setHandler(messages.abortUpdate, onUpdate('abort'), { validator: validator('abort') });
  setHandler(messages.rollbackUpdate, onUpdate('rollback'), { validator: validator('rollback') });
}

function finish(train: Train, end: End): TrainStatus {
  const status = train.complete(end.outcome, end.reason);
  upsertMemo({ train: status.train, outcome: end.outcome, ...(end.reason ? { error: end.reason } : {}) });
  if (end.outcome === 'SUCCEEDED') return status;
  throw ApplicationFailure.create({
    type: OUTCOME_FAILURE_TYPE[end.outcome],
    message: `${end.outcome}: ${end.reason ?? 'no reason recorded'}`,
    nonRetryable: true,
    details: [status],
  });
}
