// Text views of a DeploymentStatus: a phase list for terminals (redrawn in place on a TTY)
// and one line per change for logs and pipes.
import { formatDuration, orList, shortSha } from '../workflows/format.js';
import type { DeploymentStatus, PhaseStatus } from '../workflows/types.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<PhaseStatus['state'], string> = {
  pending: '·',
  running: '',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  cancelled: '⊘',
};

const elapsed = (phase: PhaseStatus, now: number): string => {
  if (!phase.startedAt) return '';
  const end = phase.endedAt ? Date.parse(phase.endedAt) : now;
  return formatDuration(Math.max(0, end - Date.parse(phase.startedAt)));
};

export function headline(s: DeploymentStatus): string {
  const route = s.activeColor && s.targetColor ? `${s.activeColor} → ${s.targetColor}` : 'planning';
  const sha = s.sha ? ` @ ${shortSha(s.sha)}` : '';
  return `${s.service}: ${route}${sha}  (${s.deploymentId}, by ${s.requestedBy})`;
}

/** The multi-line view: a headline, one line per phase, then what a human must do. */
export function renderPhaseList(s: DeploymentStatus, tick = 0, now = Date.now()): string {
  const lines = [headline(s)];
  for (const phase of s.phases) {
    const mark = phase.state === 'running' ? (SPINNER[tick % SPINNER.length] ?? '*') : MARK[phase.state];
    const time = elapsed(phase, now);
    let line = `  ${mark} ${phase.name.padEnd(18)} ${time.padStart(7)}  ${phase.detail ?? ''}`.trimEnd();
    if (phase.url && (phase.state === 'running' || phase.state === 'failed')) line += `\n      ${phase.url}`;
    lines.push(line);
  }
  if (s.waitingFor) lines.push('', `  waiting for ${s.waitingFor}`);
  if (s.phase === 'approval' && s.approvers.length > 0) lines.push(`  approvers: ${orList(s.approvers)}`);
  const ignored = s.approvals.filter((a) => !a.counted);
  for (const a of ignored.slice(-3)) lines.push(`  ignored ${a.decision} by ${a.by}: ${a.note ?? ''}`);
  if (s.pointOfNoReturn) lines.push('  point of no return passed: rollback is no longer possible');
  if (s.outcome) {
    lines.push('', `  ${s.outcome}${s.error ? `: ${s.error}` : ''}`);
  }
  return lines.join('\n');
}

/** One line that says what changed: used on pipes, in CI logs, and with --json off a TTY. */
export function renderChangeLine(s: DeploymentStatus): string {
  const phase = s.phases.find((p) => p.name === s.phase);
  const time = new Date().toISOString().slice(11, 19);
  if (s.outcome) return `${time} ${s.service} ${s.outcome}${s.error ? `: ${s.error}` : ''}`;
  const parts = [`${time} ${s.service} ${s.phase}`, phase?.state ?? '', phase?.detail ?? ''];
  if (phase?.url) parts.push(phase.url);
  if (s.waitingFor) parts.push(`— waiting for ${s.waitingFor}`);
  return parts.filter(Boolean).join(' ');
}

/** A fingerprint of what a human would notice changing (not the clock). */
export function changeKey(s: DeploymentStatus): string {
  return JSON.stringify([
    s.phase,
    s.outcome,
    s.waitingFor,
    s.phases.map((p) => [p.state, p.detail, p.url]),
    s.approvals.length,
  ]);
}
