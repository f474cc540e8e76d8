// A release train's notifications: the train speaks once for all its services (approval, switched,
// rolled back, succeeded, failed, aborted), through the same Notifier and notify activity as a
// deployment, to every channel any of its services subscribes to the event (each channel once),
// with the train's name and each service's route and outcome. The services it starts carry
// `notifications: 'train'` and leave those events to it (TRAIN_LEVEL_EVENTS). A train that speaks
// as one (`train-as-one`, TRAIN_AS_ONE_EVENTS) also says started once for every service, failed
// naming the service that failed and why, and its gate's approval events when the gate is on
// GitHub; each service's line then says where its traffic is.
import { condition } from '@temporalio/workflow';
import { VERIFIED_BY_GITHUB } from '../../contract/approval-labels.js';
import { bluegreenCommand } from '../../contract/commands.js';
import { isPatched } from '../../contract/patches.js';
import type { NotifyPlan, NotifyServiceLine, NotifyEventType } from '../../contract/notify-events.js';
import type { Color, GateStatus, Outcome } from '../../contract/types.js';
import type { TrainPhase } from '../../contract/train.js';
import { liveColorAtEnd } from '../../views/outcome.js';
import { Notifier, type EventInput } from '../notifier.js';
import type { Train, TrainChild } from './train-state.js';

export class TrainNotices {
  private readonly notifier: Notifier;
  private ended = false;

  private constructor(
    private readonly train: Train,
    /** Says started, failed and the GitHub gate's events for its services too (patch release-train-speaks-as-one). */
    readonly asOne: boolean,
  ) {
    this.notifier = new Notifier(
      {
        service: train.plan.train,
        deploymentId: train.plan.trainId,
        notify: unionOfSubscriptions(train),
        timeouts: train.plan.services[0]?.plan.timeouts,
      },
      {
        get status() {
          return train.status;
        },
        setNotifications(notifications) {
          train.status.notifications = notifications;
          train.publish();
        },
      },
      false,
    );
  }

  /** At the train's start, before any service: trains started before the patch send nothing and let their services speak. */
  static start(train: Train): TrainNotices | undefined {
    if (!isPatched('release-train-notifies-once')) return undefined;
    const asOne = isPatched('release-train-speaks-as-one');
    train.speaksForServices = asOne ? 'train-as-one' : 'train';
    const notices = new TrainNotices(train, asOne);
    if (asOne) void notices.startedOnce();
    return notices;
  }

  /**
   * One started for the train, once every service it starts at once (those after no other) has
   * read its colors and SHA (or ended): each listed with its route as known then. Nothing once the train ended.
   */
  private async startedOnce(): Promise<void> {
    const first = this.train.children.filter((c) => c.after.length === 0);
    await condition(() => this.ended || first.every((c) => c.reports.planned || c.reports.ready || c.end));
    if (this.ended) return;
    this.send('started', 'deploy', { by: this.train.plan.requestedBy });
  }

  /** The train's gate on GitHub waits for review: the first gate run with a link says so, as the train (no reminders, as for its own gate). */
  gateWaiting(gate: GateStatus, approvers: readonly string[]): void {
    if (!this.asOne || !gate.url || this.notifier.hasNotified('approval-waiting')) return;
    const who = approvers.length > 0 ? approvers : gate.reviewers;
    this.send('approval-waiting', 'approval', {
      ...(who.length > 0 ? { approvers: [...who] } : {}),
      command: `${bluegreenCommand('train', 'approve', this.train.plan.train, '[--comment "..."]')} (with your own GITHUB_TOKEN)`,
      ...(this.train.status.waitingFor ? { detail: this.train.status.waitingFor } : {}),
      reviewUrl: gate.url,
    });
  }

  /** The holder of the train's gate on GitHub ended on a verified rejection: the train says who rejected (and not aborted after it). */
  gateRejected(holder: TrainChild | undefined): boolean {
    if (!this.asOne || !holder?.end) return false;
    const rejection = holder.end.status?.approvals.find((a) => a.decision === 'rejected' && a.verified);
    if (!rejection) return false;
    this.send('rejected', 'approval', {
      by: `@${rejection.by} (${VERIFIED_BY_GITHUB})`,
      ...(rejection.comment ? { detail: rejection.comment } : {}),
    });
    return true;
  }

  send(type: NotifyEventType, phase: TrainPhase, extra: Omit<EventInput, 'type' | 'phase' | 'train' | 'services'> = {}): void {
    this.notifier.notify({ type, phase, train: this.train.plan.train, services: this.services(), ...extra });
  }

  /** The train's end: succeeded, rolled-back (naming the service and why), failed or aborted (not after a rejection). */
  outcome(outcome: Outcome, reason: string | undefined): void {
    this.ended = true;
    const detail = reason !== undefined ? { detail: reason } : {};
    const took = { durationMs: Date.now() - Date.parse(this.train.status.startedAt) };
    if (outcome === 'SUCCEEDED') this.send('succeeded', 'done', took);
    else if (outcome === 'ROLLED_BACK') this.send('rolled-back', 'rollback', detail);
    else if (outcome === 'FAILED') this.send('failed', this.train.status.phase, { ...detail, ...this.failedRun() });
    else if (!this.notifier.hasNotified('rejected')) this.send('aborted', this.train.status.phase, detail);
  }

  /** The run of the first service that failed, at the phase it failed in (as the service's own failed message linked it). */
  private failedRun(): { runUrl?: string } {
    if (!this.asOne) return {};
    const failed = this.train.children.find((c) => c.end?.outcome === 'FAILED')?.end?.status;
    const url = failed?.phases.find((p) => p.state === 'failed' && p.url)?.url;
    return url ? { runUrl: url } : {};
  }

  /** Waits at most FINAL_NOTIFICATION_WAIT_MS for sends in flight. */
  settle(): Promise<void> {
    return this.notifier.settle();
  }

  private services(): NotifyServiceLine[] {
    return this.train.status.services.map((s) => {
      const live = this.asOne ? liveColor(this.train.child(s.service)) : undefined;
      return {
        service: s.service,
        ...(s.sha ? { sha: s.sha } : {}),
        ...(s.activeColor ? { from: s.activeColor } : {}),
        ...(s.targetColor ? { to: s.targetColor } : {}),
        ...(s.outcome ? { outcome: s.outcome } : {}),
        ...(live ? { live } : {}),
      };
    });
  }
}

/** Where a service's traffic is: as its end left it, on the new color once it switched (and is not going back), else the old. */
function liveColor(child: TrainChild): Color | undefined {
  if (child.end?.status) return liveColorAtEnd(child.end.status);
  const status = child.reports.switched?.status ?? child.reports.ready?.status ?? child.reports.planned?.status;
  if (!status) return undefined;
  return child.reports.switched && !child.orders.has('rollback') ? status.targetColor : status.activeColor;
}

/**
 * Every channel any service subscribes, with the union of the events it hears of there (a channel
 * named by several services gets one message per event). No reminders or escalation of the train's
 * gate yet. Undefined when no service notifies.
 */
function unionOfSubscriptions(train: Train): NotifyPlan | undefined {
  const events = new Map<string, Set<NotifyEventType>>();
  for (const { plan } of train.plan.services) {
    for (const sub of plan.notify?.subscriptions ?? []) {
      const heard = events.get(sub.channel) ?? new Set<NotifyEventType>();
      for (const e of sub.events) heard.add(e);
      events.set(sub.channel, heard);
    }
  }
  if (events.size === 0) return undefined;
  return { subscriptions: [...events].map(([channel, heard]) => ({ channel, events: [...heard] })), escalateTo: [] };
}
