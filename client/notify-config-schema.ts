// bluegreen.yaml's `notify` section: which channel hears of which events. Channels are names the
// worker's policy defines (bluegreen-worker.yaml `notifications`); their URLs and keys never
// appear here. See docs/notifications.md.
import { z } from 'zod';
import { NOTIFY_EVENTS, type NotifyEventType } from '../contract/notify-events.js';

export const notifyChannelName = z
  .string({ error: 'expected a channel name, like "qa-slack"' })
  .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'channel names are lowercase letters, digits and dashes, like "qa-slack"');

const notifyEvent = z.enum(NOTIFY_EVENTS, { error: `expected one of ${NOTIFY_EVENTS.join(', ')}` });

/**
 * One subscription: a channel and the events it hears of.
 * @example { channel: qa-slack, events: [approval-waiting, approved, rejected] }
 */
const subscription = z.strictObject({
  channel: notifyChannelName,
  /** The events, or "all". @default "all" */
  events: z
    .preprocess(
      (events) => (events === undefined || events === 'all' ? [...NOTIFY_EVENTS] : events),
      z
        .array(notifyEvent, { error: 'expected a list of events, or "all"' })
        .min(1, 'list at least one event, or write "all"')
        .max(NOTIFY_EVENTS.length),
    )
    .transform((events): NotifyEventType[] => [...new Set(events)]),
});

/** @default [] (no notifications) */
export const notifySection = z.array(subscription).max(32).default([]);

/** The cross-field rules of notifications, with the path of the field to fix. */
export function notifyConfigProblems(config: {
  notify: { channel: string; events: NotifyEventType[] }[];
  approval: {
    required: boolean;
    remindEvery?: number | undefined;
    escalateAfter?: number | undefined;
    escalateTo?: string[] | undefined;
  };
}): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const { approval } = config;
  const hearsWaiting = config.notify.some((s) => s.events.includes('approval-waiting'));
  if (approval.remindEvery !== undefined && !hearsWaiting) {
    problems.push({
      path: 'approval.remindEvery',
      message: 'no notify entry subscribes to approval-waiting: the reminders would go nowhere',
    });
  }
  if (approval.escalateAfter !== undefined && !approval.escalateTo) {
    problems.push({ path: 'approval.escalateTo', message: 'approval.escalateAfter is set: name the channels to escalate to' });
  }
  if (approval.escalateTo && approval.escalateAfter === undefined) {
    problems.push({ path: 'approval.escalateAfter', message: 'approval.escalateTo is set: say after how long, like "4h"' });
  }
  if (!approval.required && (approval.remindEvery !== undefined || approval.escalateAfter !== undefined)) {
    problems.push({ path: 'approval.required', message: 'is false: reminders and escalation need an approval gate' });
  }
  if (approval.remindEvery !== undefined && approval.remindEvery < 100) {
    problems.push({ path: 'approval.remindEvery', message: 'must be at least "100ms"' });
  }
  return problems;
}
