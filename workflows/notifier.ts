// The workflow side of notifications: `notify(event)` at a decision point starts one activity
// per subscribed channel and returns at once; a failing channel is recorded in the status and
// never delays or changes the deployment. `remindWhileWaiting` re-sends approval-waiting on
// workflow timers (a worker restart loses none) and escalates once. `settle()` at the very end
// waits at most FINAL_NOTIFICATION_WAIT_MS for sends still in flight.
//
// Exactly once, honestly: each (event, channel) is one activity, completed once in history; its
// retries carry the same dedupe key (the CloudEvent id, `X-Bluegreen-Delivery`). A receiver that
// deduplicates sees one message; Slack and Teams do not deduplicate, so a send whose POST arrived
// but whose answer was lost (the worker died in between) arrives twice. See docs/notifications.md.
import { CancellationScope, isCancellation, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { deprecatedPatch, isPatched } from '../contract/patches.js';
import type { NotifyActivities } from '../notify/activities.js';
import { channelsFor, leftToTrain, type NotificationEvent } from '../contract/notify-events.js';
export { describeNotificationFailure } from '../contract/notify-events.js';
import { describeFailure } from '../contract/failures.js';
import type { DeploymentPlan, NotificationsStatus } from '../contract/types.js';

/** At the end, sends still in flight get this long before the workflow completes without them. */
export const FINAL_NOTIFICATION_WAIT_MS = 2_000;

/** A gate that waits for days with a short remindEvery stops reminding after this many. */
export const MAX_REMINDERS = 100;

/** The status keeps this many failures, newest last. */
const MAX_FAILURES = 20;

/**
 * One attempt waits up to the activity's own HTTP timeout (10s); 4 attempts over ~7s of
 * backoff, then the failure is reported. A 4xx answer (a deleted hook) is not retried. The send
 * heartbeats, so a worker that dies mid-send is noticed within the plan's heartbeat timeout.
 */
const senderFor = (plan: NotifierPlan) =>
  proxyActivities<NotifyActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: plan.timeouts?.heartbeatMs ?? 20_000,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      maximumAttempts: 4,
      nonRetryableErrorTypes: ['NotificationRejected'],
    },
  });

/**
 * The plan phase's check of the channels a plan names against the worker's (channel declared,
 * its secrets set): one short call that reads only the worker's own configuration.
 */
export const channelChecker = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

/** What the caller says; the notifier adds the service, the deployment id and the time. */
export type EventInput = Omit<NotificationEvent, 'service' | 'deploymentId' | 'at'>;

/** What the notifier reads of a plan: a deployment's, or the one a release train makes of its services'. */
export type NotifierPlan = Pick<DeploymentPlan, 'service' | 'deploymentId' | 'notify' | 'timeouts' | 'train'>;

/** Where the counts of sent and failed notifications go (the status tracker, or the train's status). */
export interface NotificationsSink {
  readonly status: { notifications?: NotificationsStatus };
  setNotifications(notifications: NotificationsStatus): void;
}

export class Notifier {
  private readonly enabled: boolean;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly notified = new Set<NotificationEvent['type']>();
  private readonly sender: ReturnType<typeof senderFor>;

  constructor(
    private readonly plan: NotifierPlan,
    private readonly tracker: NotificationsSink,
    /** false for a release train's notifier: the marker below is a deployment's. */
    deploymentMarker = true,
  ) {
    this.enabled = plan.notify !== undefined;
    // With notifications this is where 0.1.0 deployments recorded the marker (their first ask).
    if (this.enabled && deploymentMarker) deprecatedPatch('plan-reads-in-one-activity');
    this.sender = senderFor(plan);
  }

  /**
   * Whether the train the plan names speaks for this service: only when that train started it.
   * A plan started by hand that names a train is refused (train-link.ts) and says so itself.
   */
  private trainSpeaks(): boolean {
    if (workflowInfo().parent?.workflowId === this.plan.train?.workflowId) return true;
    // Deployments started before the patch stayed silent: they replay so.
    return !isPatched('train-notices-only-from-its-train');
  }

  /** Starts the sends of `event` to every subscribed channel, in the background. */
  notify(input: EventInput): void {
    if (!this.enabled) return;
    this.notified.add(input.type);
    // The train that started this service says these once for all its services.
    if (leftToTrain(this.plan.train, input.type) && this.trainSpeaks()) return;
    const event: NotificationEvent = {
      ...input,
      service: this.plan.service,
      deploymentId: this.plan.deploymentId,
      at: new Date().toISOString(),
    };
    for (const channel of channelsFor(this.plan.notify, event)) {
      // Not cancellable: an abort or the end of a phase must not cut a message off.
      const send = CancellationScope.nonCancellable(() =>
        this.sender.sendNotification.executeWithOptions({ summary: `notify ${channel}: ${describe(event)}` }, [
          { channel, event },
        ]),
      ).then(
        () => this.record(),
        (err: unknown) =>
          this.record({ channel, event: describe(event), at: new Date().toISOString(), error: describeFailure(err) }),
      );
      this.inFlight.add(send);
      void send.finally(() => this.inFlight.delete(send));
    }
  }

  /** Whether an event of this type was notified (e.g. `rejected`, so the outcome is not `aborted` too). */
  hasNotified(type: NotificationEvent['type']): boolean {
    return this.notified.has(type);
  }

  /**
   * While the approval gate waits: approval-waiting again every `remindEvery`, and once to the
   * escalation channels after `escalateAfter`. Returns the function that stops it. `waiting` is
   * read when each reminder goes out (a new gate run on GitHub has a new review link).
   */
  remindWhileWaiting(waiting: EventInput | (() => EventInput), gateTimeoutMs: number): () => void {
    const input = typeof waiting === 'function' ? waiting : () => waiting;
    const { remindEveryMs, escalateAfterMs } = this.plan.notify ?? {};
    if (!this.enabled || (remindEveryMs === undefined && escalateAfterMs === undefined)) return () => undefined;
    const scope = new CancellationScope();
    const gateOpened = Date.now();
    const reminding = scope.run(async () => {
      let reminders = 0;
      let escalated = escalateAfterMs === undefined;
      for (;;) {
        const nextReminder =
          remindEveryMs !== undefined && reminders < MAX_REMINDERS ? (reminders + 1) * remindEveryMs : Infinity;
        const nextEscalation = escalated ? Infinity : escalateAfterMs!;
        const next = Math.min(nextReminder, nextEscalation);
        if (next === Infinity || next >= gateTimeoutMs) return;
        // From the gate's opening in workflow time, so late timers do not add up to drift, and
        // a reminder already due (a timer fired late) goes out without another timer.
        const wait = next - (Date.now() - gateOpened);
        if (wait > 0) await sleep(wait);
        if (next === nextEscalation) {
          escalated = true;
          this.notify({ ...input(), escalation: true, durationMs: next });
        }
        if (next === nextReminder) {
          reminders += 1;
          this.notify({ ...input(), reminder: reminders, durationMs: next });
        }
      }
    });
    reminding.catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
    return () => scope.cancel();
  }

  /** The very end: waits for sends in flight, at most FINAL_NOTIFICATION_WAIT_MS (no timer when none are). */
  async settle(): Promise<void> {
    if (this.inFlight.size === 0) return;
    await Promise.race([Promise.all([...this.inFlight]), sleep(FINAL_NOTIFICATION_WAIT_MS)]);
  }

  private record(failure?: NotificationsStatus['failed'][number]): void {
    const { sent, failed } = this.tracker.status.notifications ?? { sent: 0, failed: [] };
    this.tracker.setNotifications(
      failure ? { sent, failed: [...failed, failure].slice(-MAX_FAILURES) } : { sent: sent + 1, failed: [...failed] },
    );
  }
}

/** "approval-waiting (reminder 2)", for summaries and the status. */
function describe(event: NotificationEvent): string {
  return event.escalation
    ? `${event.type} (escalation)`
    : event.reminder
      ? `${event.type} (reminder ${event.reminder})`
      : event.type;
}
