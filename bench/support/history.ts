// Where a deployment's time went, from its workflow history: time activities waited to be
// picked up, ran, and time spent in workflow tasks (the orchestrator's own turns).
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const at = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN;
};

export interface HistoryBreakdown {
  events: number;
  activities: number;
  /** Σ activity scheduled → started (matching, worker pick-up). */
  activityQueueMs: number;
  /** Σ activity started → closed. */
  activityRunMs: number;
  workflowTasks: number;
  /** Σ workflow task scheduled → completed. */
  workflowTaskMs: number;
  /** Σ workflow task started → completed: the worker running workflow code. */
  workflowTaskRunMs: number;
  /** First event → last event. */
  spanMs: number;
  /** Σ started → closed per activity type. */
  runMsByType: Record<string, number>;
  /** Σ scheduled → started per activity type. */
  queueMsByType: Record<string, number>;
}

export function breakdown(events: HistoryEvent[]): HistoryBreakdown {
  const scheduled = new Map<string, number>();
  const typeOf = new Map<string, string>();
  const runMsByType: Record<string, number> = {};
  const queueMsByType: Record<string, number> = {};
  const started = new Map<string, number>();
  let activityQueueMs = 0;
  let activityRunMs = 0;
  let activities = 0;
  let workflowTasks = 0;
  let workflowTaskMs = 0;
  let wftScheduledAt: number | undefined;
  let wftStartedAt: number | undefined;
  let workflowTaskRunMs = 0;
  for (const event of events) {
    const id = String(event.eventId);
    const t = at(event);
    if (event.activityTaskScheduledEventAttributes) {
      scheduled.set(id, t);
      typeOf.set(id, event.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
      activities++;
    } else if (event.activityTaskStartedEventAttributes) {
      const sid = String(event.activityTaskStartedEventAttributes.scheduledEventId);
      started.set(sid, t);
      activityQueueMs += t - (scheduled.get(sid) ?? t);
      const type = typeOf.get(sid) ?? '?';
      queueMsByType[type] = (queueMsByType[type] ?? 0) + t - (scheduled.get(sid) ?? t);
    } else {
      const closed =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes ??
        event.activityTaskCanceledEventAttributes;
      if (closed) {
        const sid = String(closed.scheduledEventId);
        const from = started.get(sid);
        if (from !== undefined) {
          activityRunMs += t - from;
          const type = typeOf.get(sid) ?? '?';
          runMsByType[type] = (runMsByType[type] ?? 0) + t - from;
        }
      }
    }
    if (event.workflowTaskScheduledEventAttributes) wftScheduledAt = t;
    if (event.workflowTaskStartedEventAttributes) wftStartedAt = t;
    if (event.workflowTaskCompletedEventAttributes && wftScheduledAt !== undefined) {
      workflowTasks++;
      workflowTaskMs += t - wftScheduledAt;
      if (wftStartedAt !== undefined) workflowTaskRunMs += t - wftStartedAt;
      wftScheduledAt = undefined;
      wftStartedAt = undefined;
    }
  }
  return {
    events: events.length,
    activities,
    activityQueueMs,
    activityRunMs,
    workflowTasks,
    workflowTaskMs,
    workflowTaskRunMs,
    spanMs: events.length > 0 ? at(events.at(-1)!) - at(events[0]!) : 0,
    runMsByType,
    queueMsByType,
  };
}
