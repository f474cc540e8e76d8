// What a notification is about: one decision point of a deployment, as plain data. Pure and
// sandbox-safe (no Node built-ins, no clocks): the workflow builds these, activities render them.
import type { Color, PhaseName } from './types.js';
import type { DONE } from './vocabulary.js';

/** The events a channel can subscribe to, in the order a deployment meets them. */
export const NOTIFY_EVENTS = [
  'started',
  'approval-waiting',
  'approved',
  'rejected',
  'switched',
  'analysis-failed',
  'rollback-held',
  'rollback-resumed',
  'rolled-back',
  'sync-failed',
  'succeeded',
  'failed',
  'aborted',
] as const;

export type NotifyEventType = (typeof NOTIFY_EVENTS)[number];

/** One thing that happened to a deployment, with what a human needs to act on it. */
export interface NotificationEvent {
  type: NotifyEventType;
  service: string;
  deploymentId: string;
  /** The color traffic was on when the deployment started, and the one it deploys. */
  from?: Color;
  to?: Color;
  sha?: string;
  /** The phase the deployment was in (for `failed`: where it failed). */
  phase: PhaseName | typeof DONE;
  /** Workflow time of the event, ISO 8601. */
  at: string;
  /** Who started it, approved, rejected or asked for the rollback. */
  by?: string;
  /**
   * The words of the status for this moment (the same text the CLI and the Web UI show): the
   * error, the phase detail, the comment or the reason. Untrusted: sanitised when rendered.
   */
  detail?: string;
  /** approval-waiting: who may approve and the exact command. */
  approvers?: string[];
  command?: string;
  /** approval-waiting with approvals through GitHub: the page where reviewers approve. */
  reviewUrl?: string;
  /** The GitHub Actions run of the moment (deploy, switch, the failing step's run). */
  runUrl?: string;
  /** succeeded: the whole deployment; rolled-back: how long traffic was on the bad color. */
  durationMs?: number;
  /** approval-waiting: the n-th reminder (absent on the first message). */
  reminder?: number;
  /** approval-waiting: sent to the escalation channels after `approval.escalateAfter`. */
  escalation?: boolean;
  /** Sent by a release train (its name; `service` is the train's name too): the train speaks once for its services. */
  train?: string;
  /** A release train's services at this moment, each with its route and, at the end, its outcome. */
  services?: NotifyServiceLine[];
}

/** One service of a release train, as a train's notification lists it. */
export interface NotifyServiceLine {
  service: string;
  sha?: string;
  from?: Color;
  to?: Color;
  outcome?: string;
  /** Where its traffic is at this moment (a train that speaks as one says it for each service). */
  live?: Color;
}

/**
 * The events a release train sends once for all its services; a service deployment its train
 * started with `notifications: 'train'` does not send them itself. Its own approval gate (when
 * the train's does not cover it), its failures under traffic and its sync stay its own.
 */
export const TRAIN_LEVEL_EVENTS: readonly NotifyEventType[] = ['switched', 'rolled-back', 'succeeded', 'aborted'];

/**
 * What a train that speaks as one (`notifications: 'train-as-one'`) says instead of its services:
 * also started (once, naming every service) and failed (naming the service and why), and the
 * approval events of its one gate (GitHub-verified or not) for the services that gate covers.
 * A service's own gate, its failures under traffic (analysis-failed, rollback-held) and its sync stay its own.
 */
export const TRAIN_AS_ONE_EVENTS: readonly NotifyEventType[] = [...TRAIN_LEVEL_EVENTS, 'started', 'failed'];
const TRAIN_GATE_EVENTS: readonly NotifyEventType[] = ['approval-waiting', 'approved', 'rejected'];

/** Whether a train's service leaves this event to its train (see TRAIN_LEVEL_EVENTS, TRAIN_AS_ONE_EVENTS). */
export function leftToTrain(
  membership: { notifications?: 'train' | 'train-as-one'; approval: 'train' | 'service' } | undefined,
  type: NotifyEventType,
): boolean {
  if (membership?.notifications === 'train') return TRAIN_LEVEL_EVENTS.includes(type);
  if (membership?.notifications !== 'train-as-one') return false;
  return TRAIN_AS_ONE_EVENTS.includes(type) || (membership.approval === 'train' && TRAIN_GATE_EVENTS.includes(type));
}

/**
 * The event's identity: the same on every attempt and every worker, unique per deployment and
 * moment. It is the CloudEvent `id` and the `X-Bluegreen-Delivery` header, so a receiver that
 * deduplicates sees one message per event however often a send was retried.
 */
export function eventKey(event: Pick<NotificationEvent, 'deploymentId' | 'type' | 'reminder' | 'escalation'>): string {
  const suffix = event.escalation ? '.escalation' : event.reminder ? `.reminder-${event.reminder}` : '';
  return `${event.deploymentId}.${event.type}${suffix}`;
}

/** A subscription of a channel (a name the worker resolves) to some events. */
export interface NotifySubscription {
  channel: string;
  events: NotifyEventType[];
}

/** What the plan carries about notifications: channel names and timings, never URLs or secrets. */
export interface NotifyPlan {
  subscriptions: NotifySubscription[];
  /** Re-send approval-waiting to its subscribers this often while the gate waits. */
  remindEveryMs?: number;
  /** After this long at the gate, tell `escalateTo` too (once). */
  escalateAfterMs?: number;
  escalateTo: string[];
}

/** The channels subscribed to an event (each once, in the order of the config). */
export function channelsFor(plan: NotifyPlan | undefined, event: Pick<NotificationEvent, 'type' | 'escalation'>): string[] {
  if (!plan) return [];
  const names = event.escalation
    ? plan.escalateTo
    : plan.subscriptions.filter((s) => s.events.includes(event.type)).map((s) => s.channel);
  return [...new Set(names)];
}

/** Every channel name the plan refers to, with the config path it came from. */
export function channelReferences(plan: NotifyPlan): { channel: string; path: string }[] {
  return [
    ...plan.subscriptions.map((s, i) => ({ channel: s.channel, path: `notify.${i}.channel` })),
    ...plan.escalateTo.map((channel, i) => ({ channel, path: `approval.escalateTo.${i}` })),
  ];
}

/** "notification to qa-slack failed: 404 no_service (started)", as the status, the CLI and the Web UI say it. */
export function describeNotificationFailure(failure: { channel: string; event: string; error: string }): string {
  return `notification to ${failure.channel} failed: ${failure.error} (${failure.event})`;
}

/** The status shows the newest few failures; `status --json` has all it keeps. */
export const FAILURES_SHOWN = 3;
