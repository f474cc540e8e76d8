// A release train's notifications: the train speaks once for all its services (approval, switched,
// rolled back, succeeded, failed, aborted), through the same Notifier and notify activity as a
// deployment, to every channel any of its services subscribes to the event (each channel once),
// with the train's name and each service's route and outcome. The services it starts carry
// `notifications: 'train'` and leave those events to it (TRAIN_LEVEL_EVENTS).
import { isPatched } from '../../contract/patches.js';
import type { NotifyPlan, NotifyServiceLine, NotifyEventType } from '../../contract/notify-events.js';
import type { Outcome } from '../../contract/types.js';
import type { TrainPhase } from '../../contract/train.js';
import { Notifier, type EventInput } from '../notifier.js';
import type { Train } from './train-state.js';

export class TrainNotices {
  private readonly notifier: Notifier;

  private constructor(private readonly train: Train) {
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
    train.speaksForServices = true;
    return new TrainNotices(train);
  }

  send(type: NotifyEventType, phase: TrainPhase, extra: Omit<EventInput, 'type' | 'phase' | 'train' | 'services'> = {}): void {
    this.notifier.notify({ type, phase, train: this.train.plan.train, services: this.services(), ...extra });
  }

  /** The train's end: succeeded, rolled-back (naming the service and why), failed or aborted (not after a rejection). */
  outcome(outcome: Outcome, reason: string | undefined): void {
    const detail = reason !== undefined ? { detail: reason } : {};
    const took = { durationMs: Date.now() - Date.parse(this.train.status.startedAt) };
    if (outcome === 'SUCCEEDED') this.send('succeeded', 'done', took);
    else if (outcome === 'ROLLED_BACK') this.send('rolled-back', 'rollback', detail);
    else if (outcome === 'FAILED') this.send('failed', this.train.status.phase, detail);
    else if (!this.notifier.hasNotified('rejected')) this.send('aborted', this.train.status.phase, detail);
  }

  /** Waits at most FINAL_NOTIFICATION_WAIT_MS for sends in flight. */
  settle(): Promise<void> {
    return this.notifier.settle();
  }

  private services(): NotifyServiceLine[] {
    return this.train.status.services.map((s) => ({
      service: s.service,
      ...(s.sha ? { sha: s.sha } : {}),
      ...(s.activeColor ? { from: s.activeColor } : {}),
      ...(s.targetColor ? { to: s.targetColor } : {}),
      ...(s.outcome ? { outcome: s.outcome } : {}),
    }));
  }
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
