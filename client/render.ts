// Text views of a DeploymentStatus: a phase list for terminals (redrawn in place on a TTY)
// and one line per change for logs and pipes. Pure functions of the status and the clock.
import { analysisStatusLines } from './render-analysis.js';
import { trafficLine } from '../views/traffic-weight.js';
import { standbyLine } from '../views/standby.js';
import { approverLabel, deployerLabel } from '../contract/approval-labels.js';
import { describeNotificationFailure, FAILURES_SHOWN } from '../contract/notify-events.js';
import { formatDuration, shortSha } from '../contract/format.js';
import { nextSteps } from '../views/next-steps.js';
import { OUTCOME_MARK, whereTrafficEnded } from '../views/outcome.js';
import { inertDeep } from '../contract/sanitize.js';
import type { ApprovalRecord, DeploymentStatus, NotificationsStatus, Outcome, PhaseStatus } from '../contract/types.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<PhaseStatus['state'], string> = {
  pending: '·',
  running: '▸',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  cancelled: '⊘',
};

export interface RenderOptions {
  /** Animation frame: the running phase gets a spinner instead of "▸". */
  tick?: number;
  now?: number;
  /** ANSI colors (TTY without NO_COLOR). */
  color?: boolean;
  /** Wrap every line to this many columns, so a redraw knows how many rows it drew. */
  columns?: number;
  /** Shown under the list, e.g. the Web UI link. */
  footer?: string[];
  /** Shown after the phases: both colors side by side (client/render-colors.ts). */
  colors?: string[];
}

const paint = (on: boolean | undefined, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
const markColor: Record<PhaseStatus['state'], string> = {
  pending: '2',
  running: '36',
  succeeded: '32',
  failed: '31',
  skipped: '2',
  cancelled: '33',
};
const outcomeColor: Record<Outcome, string> = { SUCCEEDED: '32;1', FAILED: '31;1', ROLLED_BACK: '33;1', ABORTED: '33;1' };

const elapsed = (phase: { startedAt?: string; endedAt?: string }, now: number): string => {
  if (!phase.startedAt) return '';
  const end = phase.endedAt ? Date.parse(phase.endedAt) : now;
  return formatDuration(Math.max(0, end - Date.parse(phase.startedAt)));
};

const clock = (iso: string) => iso.slice(11, 19);

export function headline(s: DeploymentStatus): string {
  s = inertDeep(s);
  const route = s.activeColor && s.targetColor ? `${s.activeColor} → ${s.targetColor}` : 'reading the active color';
  const sha = s.sha ? ` @ ${shortSha(s.sha)}` : '';
  return `${s.service}: ${route}${sha}  (${s.deploymentId}, by ${deployerLabel(s)})`;
}

export function describeApproval(a: ApprovalRecord): string {
  a = inertDeep(a);
  const text = a.comment ? ` "${a.comment}"` : '';
  if (a.bypass) {
    const run = a.gateRunId !== undefined ? `gate run ${a.gateRunId}` : 'the gate run';
    return `· ${run} released at ${clock(a.at)} by ${approverLabel(a)}: not taken as an approval`;
  }
  const verdict = a.counted ? a.decision : `${a.decision === 'approved' ? 'approval' : 'rejection'} ignored`;
  return `${a.counted ? (a.decision === 'approved' ? '✓' : '✗') : '·'} ${approverLabel(a)} ${verdict} at ${clock(a.at)}${text}${a.counted || !a.note ? '' : ` (${a.note})`}`;
}

/**
 * What a human can or must do now (views/next-steps.ts, the same rules as the Web UI),
 * as terminal lines: the exact commands under a first sentence.
 */
export function nextStepLines(s: DeploymentStatus): string[] {
  s = inertDeep(s);
  const steps = nextSteps(s);
  if (steps.moment === 'none') return [];
  const width = Math.max(0, ...steps.commands.map((c) => c.label.length)) + 3;
  if (steps.moment === 'abortable') return [`${steps.lead} ${steps.commands.map((c) => c.command).join(' ')}`];
  return [
    ...(steps.lead ? [steps.lead] : []),
    ...steps.commands.map((c) => `  ${`${c.label}:`.padEnd(width)}${c.command}`),
    ...steps.notes.map((n) => `  note: ${n}`),
  ];
}

export function outcomeLine(s: DeploymentStatus, color = false): string {
  s = inertDeep(s);
  if (!s.outcome) return '';
  const took = s.endedAt ? ` in ${formatDuration(Date.parse(s.endedAt) - Date.parse(s.startedAt))}` : '';
  const where = whereTrafficEnded(s);
  const head = paint(color, outcomeColor[s.outcome], `${OUTCOME_MARK[s.outcome]} ${s.outcome}`);
  return `${head}${took}${where}${s.error ? ` — ${s.error}` : ''}`;
}

/** The multi-line view: a headline, one line per phase, decisions so far, then what a human may do. */
export function renderPhaseList(s: DeploymentStatus, options: RenderOptions = {}): string {
  s = inertDeep(s);
  const now = options.now ?? Date.now();
  const color = options.color;
  const lines = [paint(color, '1', headline(s))];
  const nameWidth = Math.max(10, ...s.phases.map((p) => p.name.length + 1));
  for (const phase of s.phases) {
    const glyph =
      phase.state === 'running' && options.tick !== undefined
        ? (SPINNER[options.tick % SPINNER.length] ?? '*')
        : MARK[phase.state];
    const time = elapsed(phase, now);
    const name = phase.name.padEnd(nameWidth);
    const text = `${paint(color, markColor[phase.state], glyph)} ${phase.state === 'pending' || phase.state === 'skipped' ? paint(color, '2', name) : name} ${time.padStart(6)}  ${phase.detail ?? ''}`;
    lines.push(`  ${text.trimEnd()}`);
    // The run link while a GitHub run is in progress (and where a failed one can be read).
    if (phase.url && (phase.state === 'running' || phase.state === 'failed')) lines.push(`      ${phase.url}`);
  }
  const traffic = trafficLine(s);
  if (traffic && !s.outcome) lines.push('', `  ${traffic}`);
  const standby = standbyLine(s, now);
  if (standby) lines.push(...(traffic && !s.outcome ? [] : ['']), `  ${standby}`);
  if (options.colors?.length) lines.push('', ...options.colors);
  if (s.approvals.length > 0) {
    lines.push('', '  Decisions:');
    for (const a of s.approvals.slice(-5)) lines.push(`    ${describeApproval(a)}`);
    if (s.approvals.length > 5) lines.push(`    … and ${s.approvals.length - 5} earlier (see --json)`);
  }
  const ignored = s.ignoredSignals ?? [];
  if (ignored.length > 0) {
    lines.push('', '  Ignored signals:');
    for (const i of ignored.slice(-3)) lines.push(`    · ${i.signal}${i.by ? ` by ${i.by}` : ''} at ${clock(i.at)}: ${i.reason}`);
  }
  if (s.monitor && (s.monitor.failures > 0 || s.monitor.lastFailure)) {
    lines.push(
      '',
      `  Monitor: ${s.monitor.probes} probes, ${s.monitor.failures} failed${s.monitor.lastFailure ? ` (last: ${s.monitor.lastFailure})` : ''}`,
    );
  }
  lines.push(...analysisStatusLines(s));
  lines.push(...notificationLines(s.notifications, 'the deployment'));
  if (s.dns) {
    const { dns } = s;
    lines.push('', `  DNS ${dns.record} → ${dns.expected}${dns.ttl !== undefined ? ` (TTL ${dns.ttl}s)` : ''}:`);
    for (const ns of dns.nameservers) {
      lines.push(
        `    ${ns.ok ? '✓' : '✗'} ${ns.server}${ns.name ? ` (${ns.name})` : ''}: ${ns.answer}${ns.serial !== undefined ? `, serial ${ns.serial}` : ''}`,
      );
    }
    if (dns.cachesMayLagUntil)
      lines.push(`    resolvers may still hand out the old answer until ${clock(dns.cachesMayLagUntil)}`);
  }
  if (s.pointOfNoReturn) lines.push('', '  Point of no return passed: rollback is no longer possible.');
  if (s.notes?.length) lines.push('', ...s.notes.map((note) => `  Note: ${note}`));
  const steps = nextStepLines(s);
  if (steps.length > 0) lines.push('', ...steps.map((l, i) => `  ${i === 0 ? paint(color, '1', l) : l}`));
  if (s.outcome) lines.push('', `  ${outcomeLine(s, color)}`);
  if (options.footer?.length) lines.push('', ...options.footer.map((l) => `  ${l}`));
  const text = lines.join('\n');
  return options.columns ? wrapToWidth(text, options.columns) : text;
}

/**
 * The notifications sent and the newest failures, each naming its channel and the answer; nothing
 * while none failed. `whose` is what they never delay (the deployment, the train).
 */
export function notificationLines(notifications: NotificationsStatus | undefined, whose: string): string[] {
  const failed = notifications?.failed ?? [];
  if (!notifications || failed.length === 0) return [];
  const lines = ['', `  Notifications: ${notifications.sent} sent, ${failed.length} failed (never delaying ${whose}):`];
  for (const f of failed.slice(-FAILURES_SHOWN)) lines.push(`    ⚠ ${describeNotificationFailure(f)} at ${clock(f.at)}`);
  if (failed.length > FAILURES_SHOWN) lines.push(`    … and ${failed.length - FAILURES_SHOWN} earlier (see --json)`);
  return lines;
}

/** One line that says what changed: used on pipes, in CI logs, and with --watch off a TTY. */
export function renderChangeLine(s: DeploymentStatus, now = Date.now()): string {
  s = inertDeep(s);
  const time = new Date(now).toISOString().slice(11, 19);
  if (s.outcome) return `${time} ${s.service} ${outcomeLine(s)}`;
  const phase = s.phases.find((p) => p.name === s.phase);
  const parts = [`${time} ${s.service} ${s.phase}`, phase?.state ?? '', phase?.detail ?? ''];
  if (phase?.url && phase.state === 'running') parts.push(phase.url);
  const steps = nextStepLines(s);
  if (s.waitingFor && steps[0]) parts.push(`— ${steps.map((l) => l.trim().replace(/\s+/g, ' ').replace(/\.$/, '')).join('; ')}`);
  return parts.filter(Boolean).join(' ');
}

/** A fingerprint of what a human would notice changing (not the clock). */
export function changeKey(s: DeploymentStatus): string {
  s = inertDeep(s);
  return JSON.stringify([
    s.phase,
    s.outcome,
    s.waitingFor,
    s.phases.map((p) => [p.state, p.detail, p.url]),
    s.approvals.length,
    s.ignoredSignals?.length,
    s.notifications?.failed.length,
    s.pointOfNoReturn,
    s.notes?.length,
    s.weight?.percent,
    s.weight?.sampled,
    s.standby?.healthy,
    s.standby?.held !== undefined,
  ]);
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
export const visibleLength = (line: string) => [...line.replace(ANSI, '')].length;

/**
 * Hard-wraps lines longer than `columns` (continuation indented), so that the number of
 * lines is the number of terminal rows: the redraw moves the cursor up by exactly that.
 */
export function wrapToWidth(text: string, columns: number): string {
  const width = Math.max(20, columns - 1);
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (visibleLength(line) <= width) {
      out.push(line);
      continue;
    }
    // Long lines are plain text here (colors only sit on short marks): cut by code points.
    const chars = [...line.replace(ANSI, '')];
    const indent = '      ';
    out.push(chars.slice(0, width).join(''));
    for (let i = width; i < chars.length; i += width - indent.length) {
      out.push(indent + chars.slice(i, i + width - indent.length).join(''));
    }
  }
  return out.join('\n');
}

/**
 * The log lines between two readings (pipes, CI logs): every phase that started or ended,
 * even one that came and went between two polls, each decision, what a human may do, the
 * outcome. `previous` is undefined for the first reading.
 */
export function renderLogLines(previous: DeploymentStatus | undefined, s: DeploymentStatus, now = Date.now()): string[] {
  s = inertDeep(s);
  previous = previous && inertDeep(previous);
  const time = new Date(now).toISOString().slice(11, 19);
  const lines: string[] = [];
  const say = (text: string) => lines.push(`${time} ${s.service} ${text}`);
  // Decisions first: they are what made the phases below move.
  for (const a of s.approvals.slice(previous?.approvals.length ?? 0)) say(describeApproval(a));
  for (const i of (s.ignoredSignals ?? []).slice(previous?.ignoredSignals?.length ?? 0)) {
    say(`· ignored ${i.signal}${i.by ? ` by ${i.by}` : ''}: ${i.reason}`);
  }
  // New failures by identity: the status keeps only the newest 20, so counts stop growing.
  const logged = new Set((previous?.notifications?.failed ?? []).map((f) => `${f.at} ${f.channel} ${f.event}`));
  for (const f of s.notifications?.failed ?? []) {
    if (!logged.has(`${f.at} ${f.channel} ${f.event}`)) say(`⚠ ${describeNotificationFailure(f)}`);
  }
  for (const phase of s.phases) {
    const before = previous?.phases.find((p) => p.name === phase.name);
    const changed = !before || before.state !== phase.state || before.detail !== phase.detail || before.url !== phase.url;
    if (!changed || phase.state === 'pending' || phase.state === 'skipped') continue;
    const detail = phase.detail ? `  ${phase.detail}` : '';
    if (phase.state === 'running') {
      say(`${MARK.running} ${phase.name}${detail}${phase.url ? `  ${phase.url}` : ''}`);
    } else if (before?.state !== phase.state || phase.state === 'failed') {
      const took = elapsed(phase, now);
      say(
        `${MARK[phase.state]} ${phase.name}${took ? ` ${took}` : ''}${detail}${phase.state === 'failed' && phase.url ? `  ${phase.url}` : ''}`,
      );
    }
  }
  if (s.waitingFor && s.waitingFor !== previous?.waitingFor) {
    const steps = nextStepLines(s);
    if (steps.length > 0) say(steps.map((l) => l.trim().replace(/\s+/g, ' ').replace(/\.$/, '')).join('; '));
  }
  if (s.pointOfNoReturn && !previous?.pointOfNoReturn) say('point of no return passed: rollback is no longer possible');
  if (s.outcome && !previous?.outcome) say(outcomeLine(s));
  return lines;
}
