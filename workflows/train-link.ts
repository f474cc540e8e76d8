// A service's side of a release train: the orders its parent sends (switch, roll back, go on,
// stop) and the reports it sends back (ready, switched, failing, monitored). An order counts only
// when it names this workflow's own parent run: the train that started it, nobody else.
import { getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { trainOrderSignal, trainReportSignal } from '../contract/train-messages.js';
import type { TrainMembership, TrainOrder, TrainOrderKind, TrainReport, TrainStage } from '../contract/train.js';
import type { ApprovalPlan } from '../contract/types.js';
import { isPatched } from '../contract/patches.js';
import { approvesViaGitHub } from './approval-rules.js';
import { inertText } from '../contract/sanitize.js';
import type { HumanInput } from './human-input.js';
import type { StatusTracker } from './status-tracker.js';

export class TrainLink {
  readonly #orders = new Map<TrainOrderKind, TrainOrder>();
  /** Why this deployment may not run as a train member (not started by the train it names), or undefined. */
  readonly refusal: string | undefined;

  constructor(
    readonly membership: TrainMembership,
    private readonly tracker: StatusTracker,
    human: HumanInput,
  ) {
    const parent = workflowInfo().parent;
    this.refusal =
      parent?.workflowId === membership.workflowId
        ? undefined
        : `this deployment names release train ${membership.name} (${membership.workflowId}) but was ${parent ? `started by ${parent.workflowId}` : 'not started by a train'}: only its train may hold and release it`;
    setHandler(trainOrderSignal, (raw) => {
      const order = checkedOrder(raw);
      if (typeof order === 'string') {
        log.warn(`ignored train order: ${order}`);
        tracker.recordIgnoredSignal({ signal: 'trainOrder', at: new Date().toISOString(), reason: order }, 20);
        return;
      }
      if (this.#orders.has(order.kind)) return;
      this.#orders.set(order.kind, order);
      const by = `train ${membership.name}`;
      // The train's stop and rollback work through the deployment's own paths (cancel before
      // traffic moved, the monitor's rollback request after).
      if (order.kind === 'stop' && !human.abort) human.abort = { kind: 'abort', by, text: order.reason ?? 'the train stopped' };
      if (order.kind === 'rollback' && !human.rollback) {
        human.rollback = { kind: 'rollback', by, text: order.reason ?? 'the train rolls back' };
      }
    });
  }

  order(kind: TrainOrderKind): TrainOrder | undefined {
    return this.#orders.get(kind);
  }

  /** Colors and SHA read: the train that says `started` for this service learns its route (only when it speaks as one). */
  async planned(): Promise<void> {
    if (this.membership.notifications === 'train-as-one') await this.report('planned');
  }

  /** Tells the parent where this service stands; a parent that is gone changes nothing here. */
  async report(stage: TrainStage, extra: Pick<TrainReport, 'approval' | 'covered' | 'reason'> = {}): Promise<void> {
    const parent = workflowInfo().parent;
    if (!parent || this.refusal) return;
    const info = workflowInfo();
    const report: TrainReport = {
      service: this.tracker.status.service,
      workflowId: info.workflowId,
      runId: info.runId,
      stage,
      status: this.tracker.snapshot(),
      ...extra,
    };
    try {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(trainReportSignal, report);
    } catch (err) {
      log.warn(`could not report ${stage} to train ${this.membership.name}: ${(err as Error).message}`);
    }
  }
}

/** An order as sent, or why it does not count (not from this workflow's parent run, or malformed). */
function checkedOrder(raw: unknown): TrainOrder | string {
  const parent = workflowInfo().parent;
  if (raw === null || typeof raw !== 'object') return 'the payload must be an object';
  const order = raw as Partial<TrainOrder>;
  if (!parent || order.parentWorkflowId !== parent.workflowId || order.parentRunId !== parent.runId) {
    return `not from this deployment's train (${parent ? `${parent.workflowId}/${parent.runId}` : 'none'}): only the train that started it may order it`;
  }
  if (!['gate', 'switch', 'rollback', 'goOn', 'stop'].includes(order.kind as string))
    return `unknown order ${inertText(String(order.kind), 40)}`;
  const text = (value: unknown) => (typeof value === 'string' ? inertText(value, 500) : undefined);
  const reason = text(order.reason);
  const approvedBy = Array.isArray(order.approvedBy)
    ? order.approvedBy.filter((n): n is string => typeof n === 'string').map((n) => inertText(n, 100))
    : undefined;
  const verifiedOn = text(order.verifiedOn);
  const minApprovals =
    typeof order.minApprovals === 'number' && Number.isSafeInteger(order.minApprovals) && order.minApprovals > 0
      ? Math.min(order.minApprovals, 100)
      : undefined;
  return {
    kind: order.kind as TrainOrderKind,
    parentWorkflowId: parent.workflowId,
    parentRunId: parent.runId,
    ...(reason ? { reason } : {}),
    ...(approvedBy ? { approvedBy } : {}),
    ...(verifiedOn ? { verifiedOn } : {}),
    ...(minApprovals ? { minApprovals } : {}),
  };
}

/**
 * Whether the train's one gate approves this service (else it passes its own gate, per service).
 * A service approved via GitHub is covered too: the train's gate is then verified by GitHub.
 */
export const trainGateCovers = (membership: TrainMembership, approval: ApprovalPlan): boolean =>
  membership.approval === 'train' && (!approvesViaGitHub({ approval }) || isPatched('release-train-github-gate'));
