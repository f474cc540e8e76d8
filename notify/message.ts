// One event in words: a title, facts, the status wording and links. Every channel renders this
// same model (Slack blocks, a Teams card, the CloudEvent's `text`), so what people read is the
// same everywhere and testable without a server. Pure and sandbox-safe.
import { formatDuration, orList, shortSha } from '../contract/format.js';
import { cleanLine, safeUrl } from './clean.js';
import type { NotificationEvent } from '../contract/notify-events.js';

export type Tone = 'info' | 'good' | 'warning' | 'danger';

export interface MessageLink {
  label: string;
  url: string;
}

export interface NotificationMessage {
  /** One line: what happened, to which service. The chat preview and the fallback text. */
  title: string;
  tone: Tone;
  facts: { label: string; value: string }[];
  /** The status wording of the moment (sanitised, one line), when there is one. */
  detail?: string;
  links: MessageLink[];
}

/** Links the worker adds: the deployment's page in the Temporal Web UI. */
export interface MessageContext {
  webUiUrl?: string;
}

/** The longest detail a message carries: chat previews are short, the Web UI has the rest. */
export const MAX_DETAIL_LENGTH = 600;

export function messageFor(event: NotificationEvent, context: MessageContext = {}): NotificationMessage {
  const service = cleanLine(event.service, 63);
  const by = event.by !== undefined ? cleanLine(event.by, 100) : undefined;
  const train = event.train !== undefined ? cleanLine(event.train, 63) : undefined;
  const { title, tone } = headline(event, train ? `release train ${train}` : service, by);
  const facts: NotificationMessage['facts'] = [train ? { label: 'Train', value: train } : { label: 'Service', value: service }];
  const services = servicesLine(event);
  if (services) facts.push({ label: 'Services', value: services });
  const route = routeOf(event);
  if (route) facts.push({ label: 'Route', value: route });
  facts.push({ label: 'Phase', value: event.phase });
  if (by) facts.push({ label: event.type === 'started' ? 'Started by' : 'By', value: by });
  if (event.approvers && event.approvers.length > 0) {
    facts.push({ label: 'May approve', value: orList(event.approvers.map((a) => cleanLine(a, 100))) });
  }
  if (event.command) facts.push({ label: 'Command', value: cleanLine(event.command, 300) });
  if (event.durationMs !== undefined) facts.push({ label: durationLabel(event), value: formatDuration(event.durationMs) });
  facts.push({ label: 'Deployment', value: cleanLine(event.deploymentId, 120) });
  const links: MessageLink[] = [];
  const add = (label: string, url: string | undefined) => {
    const safe = safeUrl(url);
    if (safe) links.push({ label, url: safe });
  };
  add('Review on GitHub', event.reviewUrl);
  add('Open in Temporal Web UI', context.webUiUrl);
  add('GitHub run', event.runUrl);
  // One line: a line break in an error text quoted from outside would let it forge a line of its
  // own in the chat ("✓ approved by bob"), standing apart from the words around it.
  const detail = event.detail !== undefined ? cleanLine(event.detail, MAX_DETAIL_LENGTH) : '';
  return { title, tone, facts, ...(detail ? { detail } : {}), links };
}

/** "blue → green @ 1a2b3c4", as the Web UI summary writes it. */
export function routeOf(event: Pick<NotificationEvent, 'from' | 'to' | 'sha'>): string | undefined {
  if (!event.from || !event.to) return undefined;
  return `${event.from} → ${event.to}${event.sha ? ` @ ${shortSha(cleanLine(event.sha, 40))}` : ''}`;
}

/** A train's services in one line: "api blue → green @ 1a2b3c4 (SUCCEEDED, traffic on green); web …". */
export function servicesLine(event: Pick<NotificationEvent, 'services'>): string | undefined {
  if (!event.services || event.services.length === 0) return undefined;
  const line = event.services
    .slice(0, MAX_SERVICES_LISTED)
    .map((s) => {
      const route = routeOf(s);
      const notes = [
        ...(s.outcome !== undefined ? [cleanLine(s.outcome, 20)] : []),
        ...(s.live !== undefined ? [`traffic on ${cleanLine(s.live, 10)}`] : []),
      ];
      return `${cleanLine(s.service, 63)}${route ? ` ${route}` : ''}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    })
    .join('; ');
  const more = event.services.length - MAX_SERVICES_LISTED;
  return cleanLine(more > 0 ? `${line}; and ${more} more` : line, MAX_DETAIL_LENGTH);
}

/** A train's services listed in one message (the Web UI lists them all). */
export const MAX_SERVICES_LISTED = 20;

function durationLabel(event: NotificationEvent): string {
  if (event.type === 'rolled-back') return `Traffic on ${event.to ?? 'the new color'}`;
  if (event.type === 'approval-waiting') return 'Waiting for';
  return 'Took';
}

function headline(event: NotificationEvent, service: string, by: string | undefined): { title: string; tone: Tone } {
  const train = event.train !== undefined;
  const to = event.to ?? (train ? 'the new colors' : 'the new color');
  const from = event.from ?? (train ? 'the old colors' : 'the old color');
  const route = routeOf(event);
  switch (event.type) {
    case 'started':
      return { title: `${service}: deploying ${route ?? to}`, tone: 'info' };
    case 'approval-waiting': {
      const waited = event.durationMs !== undefined ? ` for ${formatDuration(event.durationMs)}` : '';
      if (event.escalation) return { title: `Escalation: ${service} has waited${waited} for approval`, tone: 'warning' };
      if (event.reminder) return { title: `Reminder: ${service} still waiting${waited} for approval`, tone: 'warning' };
      return { title: `${service}: waiting for approval (${route ?? to})`, tone: 'warning' };
    }
    case 'approved':
      return { title: `${service}: approved by ${by ?? 'someone'}`, tone: 'good' };
    case 'rejected':
      return { title: `${service}: rejected by ${by ?? 'someone'}; traffic untouched on ${from}`, tone: 'danger' };
    case 'switched':
      return { title: `${service}: traffic switched to ${to}`, tone: 'good' };
    case 'analysis-failed':
      return { title: `${service}: ${to} failing under traffic`, tone: 'danger' };
    case 'rollback-held':
      return { title: `${service}: rollback held, ${from} is unhealthy; a person decides`, tone: 'danger' };
    case 'rollback-resumed':
      return { title: `${service}: ${from} healthy again; the held rollback switches back`, tone: 'warning' };
    case 'rolled-back':
      return { title: `${service}: rolled back to ${from}${onBad(event, to)}`, tone: 'danger' };
    case 'sync-failed':
      return { title: `${service}: sync failed; traffic stays on ${to}`, tone: 'warning' };
    case 'succeeded':
      return {
        title: `${service}: ${to} ${train ? 'are' : 'is'} live (SUCCEEDED${event.durationMs !== undefined ? ` in ${formatDuration(event.durationMs)}` : ''})`,
        tone: 'good',
      };
    case 'failed':
      return { title: `${service}: FAILED in ${event.phase}`, tone: 'danger' };
    case 'aborted':
      return { title: `${service}: ABORTED in ${event.phase}`, tone: 'warning' };
  }
}

/** " (green had traffic for 2m5s)" when known. */
const onBad = (event: NotificationEvent, to: string): string =>
  event.durationMs !== undefined ? ` (${to} had traffic for ${formatDuration(event.durationMs)})` : '';
