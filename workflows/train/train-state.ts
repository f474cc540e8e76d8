// The parent's side of a release train: its services' child deployments (started once each, in
// dependency order), what each reported, the orders sent to each, how each ended, and the
// train's status (every change republished as the Web UI's current details).
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { WORKFLOW_TYPE } from '../../contract/messages.js';
import { isOutcomeFailureType } from '../../contract/outcome-failure.js';
import { searchAttribute } from '../../contract/search-attributes.js';
import { trainOrderSignal } from '../../contract/train-messages.js';
import {
  trainLevels,
  type TrainOrder,
  type TrainOrderKind,
  type TrainPhase,
  type TrainPlan,
  type TrainMembership,
  type TrainReport,
  type TrainServiceState,
  type TrainStage,
  type TrainStatus,
} from '../../contract/train.js';
import type { DeploymentPlan, DeploymentStatus, Outcome } from '../../contract/types.js';
import { workflowIdFor } from '../../contract/messages.js';
import { trainDetails } from '../../views/train-details.js';

export interface TrainChild {
  readonly service: string;
  readonly after: readonly string[];
  readonly level: number;
  readonly plan: DeploymentPlan;
  readonly workflowId: string;
  started: boolean;
  runId?: string;
  readonly reports: Partial<Record<TrainStage, TrainReport>>;
  readonly orders: Set<TrainOrderKind>;
  /** How the child deployment ended (its outcome, why, its final status when it had one). */
  end?: { outcome: Outcome; reason: string; status?: DeploymentStatus };
}

const TRAIN_STAGES: readonly TrainStage[] = ['planned', 'ready', 'gate', 'approved', 'switched', 'failing', 'monitored'];

/** Why a service of the train went wrong, naming it (absent for the train's own decisions). */
export interface TrainFailure {
  service?: string;
  reason: string;
  /** ABORTED when a human stopped it before traffic moved; FAILED otherwise. */
  outcome: 'FAILED' | 'ABORTED';
}

export class Train {
  readonly children: TrainChild[];
  readonly levels: string[][];
  readonly status: TrainStatus;
  /** Every service switches once those it comes after did, several at a time; back likewise (decided at the switch stage). */
  inParallel = false;
  /** The train sends the train-level notifications (`train`), or all it says as one (`train-as-one`): the services it starts leave them to it. */
  speaksForServices: NonNullable<TrainMembership['notifications']> | undefined;

  constructor(readonly plan: TrainPlan) {
    this.levels = trainLevels(plan.services);
    const levelOf = (name: string) => this.levels.findIndex((l) => l.includes(name));
    this.children = plan.services.map((s) => ({
      service: s.service,
      after: s.after,
      level: levelOf(s.service),
      plan: s.plan,
      workflowId: workflowIdFor(s.service),
      started: false,
      reports: {},
      orders: new Set(),
    }));
    this.status = {
      train: plan.train,
      trainId: plan.trainId,
      requestedBy: plan.requestedBy,
      startedAt: new Date().toISOString(),
      phase: 'deploy',
      levels: this.levels,
      services: [],
      approvals: [],
      approvers: plan.approval.approvers,
    };
    this.publish();
  }

  child(service: string): TrainChild {
    const found = this.children.find((c) => c.service === service);
    if (!found) throw new Error(`no service ${service} in train ${this.plan.train}`);
    return found;
  }

  /** In switch order: level by level, the file's order within a level. */
  inSwitchOrder(): TrainChild[] {
    return this.levels.flat().map((name) => this.child(name));
  }

  /** Not yet ordered to switch, and every service it comes after switched and answers its new color. */
  switchable(): TrainChild[] {
    return this.inSwitchOrder().filter(
      (c) => !c.orders.has('switch') && !c.end && c.after.every((dep) => this.child(dep).reports.switched),
    );
  }

  /** Ordered to switch, not yet ordered back, and every service that comes after it is back (or never switched); last level first. */
  dueBack(): TrainChild[] {
    return this.inSwitchOrder()
      .reverse()
      .filter(
        (c) =>
          c.orders.has('switch') &&
          !c.orders.has('rollback') &&
          !c.end &&
          this.children.every((d) => !d.after.includes(c.service) || !d.orders.has('switch') || d.end !== undefined),
      );
  }

  /** Not started, and every service it comes after is ready to switch. */
  startable(): TrainChild[] {
    return this.children.filter((c) => !c.started && !c.end && c.after.every((dep) => this.child(dep).reports.ready));
  }

  setPhase(phase: TrainPhase, waitingFor?: string): void {
    this.status.phase = phase;
    this.setWaitingFor(waitingFor);
  }

  setWaitingFor(text: string | undefined): void {
    if (text === undefined) delete this.status.waitingFor;
    else this.status.waitingFor = text;
    this.publish();
  }

  /** The train's QA gate on GitHub (held by one of its services), or none. */
  setGate(gate: TrainStatus['gate']): void {
    if (gate === undefined) delete this.status.gate;
    else this.status.gate = gate;
    this.publish();
  }

  addNote(text: string): void {
    (this.status.notes ??= []).push(text);
    this.publish();
  }

  /** Starts the service's deployment as a child (once); a busy service fails to start, saying so. */
  async start(child: TrainChild): Promise<void> {
    if (child.started) return;
    child.started = true;
    const info = workflowInfo();
    try {
      const handle = await startChild(WORKFLOW_TYPE, {
        workflowId: child.workflowId,
        args: [this.speaksForServices ? withTrainNotifications(child.plan, this.speaksForServices) : child.plan],
        taskQueue: info.taskQueue,
        // A train that is gone leaves its services held, each still abortable on its own.
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [searchAttribute.service(child.service), searchAttribute.phase('plan')],
        staticSummary: `${child.service}: deploy the inactive color, in release train ${this.plan.train}, by ${this.plan.requestedBy}`,
      });
      child.runId = handle.firstExecutionRunId;
      void handle.result().then(
        (result) =>
          this.ended(child, {
            outcome: (result as DeploymentStatus).outcome ?? 'SUCCEEDED',
            reason: 'succeeded',
            status: result as DeploymentStatus,
          }),
        (err: unknown) => this.ended(child, endOf(err)),
      );
    } catch (err) {
      const reason =
        err instanceof WorkflowExecutionAlreadyStartedError
          ? `a deployment of ${child.service} is already running (${child.workflowId}): abort it or wait for it before starting the train`
          : `could not start its deployment: ${(err as Error).message}`;
      this.ended(child, { outcome: 'FAILED', reason });
    }
    this.publish();
  }

  private ended(child: TrainChild, end: NonNullable<TrainChild['end']>): void {
    child.end = end;
    this.publish();
  }

  /** A child's report, counted only from a deployment this train started (its id and run). */
  acceptReport(raw: unknown): void {
    const report = raw as Partial<TrainReport> | null;
    const child = this.children.find((c) => c.service === report?.service);
    if (!report || !child || !child.runId || report.workflowId !== child.workflowId || report.runId !== child.runId) {
      log.warn('ignored a train report not sent by a deployment this train started');
      return;
    }
    const stage = report.stage;
    if (!TRAIN_STAGES.includes(stage as TrainStage)) return;
    // A gate run waiting for review may be followed by another (a refused approval opens the gate again).
    if (child.reports[stage as TrainStage] && stage !== 'gate') return;
    child.reports[stage as TrainStage] = report as TrainReport;
    this.publish();
  }

  /** Sends an order to a started child (once per kind); a child that has ended is left alone. */
  async order(
    child: TrainChild,
    kind: TrainOrderKind,
    extra: Pick<TrainOrder, 'approvedBy' | 'reason' | 'verifiedOn' | 'minApprovals'> = {},
  ): Promise<void> {
    if (!child.runId || child.end || child.orders.has(kind)) return;
    child.orders.add(kind);
    this.publish();
    const info = workflowInfo();
    const order: TrainOrder = { kind, parentWorkflowId: info.workflowId, parentRunId: info.runId, ...extra };
    try {
      await getExternalWorkflowHandle(child.workflowId, child.runId).signal(trainOrderSignal, order);
    } catch (err) {
      // It ended meanwhile: its end (seen by the train) says what happened.
      log.warn(`order ${kind} to ${child.service} not delivered: ${(err as Error).message}`);
    }
  }

  /** The first thing that went wrong with a service: it wants to go back, or it ended before the train let it go on. */
  failure(): TrainFailure | undefined {
    for (const c of this.children) {
      const failing = c.reports.failing;
      if (failing) return { service: c.service, reason: failing.reason ?? 'it wants to roll back', outcome: 'FAILED' };
      if (c.end && !c.orders.has('goOn') && !c.orders.has('stop') && !c.orders.has('rollback')) {
        return {
          service: c.service,
          reason: `${c.end.outcome}: ${c.end.reason}`,
          outcome: c.end.outcome === 'ABORTED' ? 'ABORTED' : 'FAILED',
        };
      }
    }
    return undefined;
  }

  /** What the status says of one service, from what it reported and the orders sent. */
  private stateOf(c: TrainChild): TrainServiceState {
    if (c.end) return 'done';
    if (c.orders.has('rollback')) return 'rolling back';
    if (c.reports.monitored) return 'monitored';
    if (c.reports.switched) return 'switched';
    if (c.orders.has('switch')) return 'switching';
    if (c.reports.ready) return 'ready';
    return c.started ? 'deploying' : 'waiting';
  }

  publish(): void {
    this.status.services = this.children.map((c) => {
      const latest =
        c.end?.status ??
        c.reports.monitored?.status ??
        c.reports.switched?.status ??
        c.reports.ready?.status ??
        c.reports.planned?.status;
      const verify = c.reports.ready?.status.phases.find((p) => p.name === 'verify')?.detail;
      return {
        service: c.service,
        after: [...c.after],
        level: c.level,
        workflowId: c.workflowId,
        ...(c.runId ? { runId: c.runId } : {}),
        state: this.stateOf(c),
        ...(latest?.activeColor ? { activeColor: latest.activeColor } : {}),
        ...(latest?.targetColor ? { targetColor: latest.targetColor } : {}),
        ...(latest?.sha ? { sha: latest.sha } : {}),
        ...(verify ? { verify } : {}),
        ...(c.end ? { outcome: c.end.outcome, detail: c.end.reason } : {}),
      };
    });
    setCurrentDetails(trainDetails(this.status, workflowInfo().namespace));
  }

  complete(outcome: Outcome, error?: string): TrainStatus {
    this.status.outcome = outcome;
    this.status.phase = 'done';
    this.status.endedAt = new Date().toISOString();
    delete this.status.waitingFor;
    if (error !== undefined) this.status.error = error;
    this.publish();
    return JSON.parse(JSON.stringify(this.status)) as TrainStatus;
  }
}

/** How a child deployment that did not succeed ended: its outcome and status from the failure's details. */
function endOf(err: unknown): NonNullable<TrainChild['end']> {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && isOutcomeFailureType(cause.type)) {
    const status = cause.details?.[0] as DeploymentStatus | undefined;
    if (status?.outcome) return { outcome: status.outcome, reason: status.error ?? cause.message, status };
  }
  const why = cause?.message ?? (err as Error).message;
  return { outcome: 'FAILED', reason: `its workflow ended: ${why}` };
}

/** The service's plan as the train starts it when the train speaks for it (TRAIN_LEVEL_EVENTS, TRAIN_AS_ONE_EVENTS). */
const withTrainNotifications = (
  plan: DeploymentPlan,
  notifications: NonNullable<TrainMembership['notifications']>,
): DeploymentPlan => (plan.train ? { ...plan, train: { ...plan.train, notifications } } : plan);
