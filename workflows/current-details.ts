// The Web UI's "current details" of a deployment, in Markdown: what is happening in words,
// who must act and the exact command (in code spans, so the UI's Markdown does not eat the
// `<name>` placeholders or turn `--by` into a dash), and the phases at a glance.
// Pure: runs in the workflow sandbox.
import { formatDuration, shortSha } from './format.js';
import type { DeploymentStatus, PhaseName, PhaseStatus } from './types.js';

const MARK: Record<PhaseStatus['state'], string> = {
  pending: '○',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
  cancelled: '⊘',
};
const OUTCOME_MARK = { SUCCEEDED: '✓', FAILED: '✗', ROLLED_BACK: '↺', ABORTED: '⊘' } as const;

/** Free text (details, errors) as Markdown that shows literally. */
const literal = (text: string) => text.replace(/([\\`*_[\]<>#|~])/g, '\\$1');
const code = (text: string) => `\`${text}\``;

function phaseTitle(s: DeploymentStatus, name: PhaseName): string {
  const target = s.targetColor ?? 'the new color';
  const active = s.activeColor ?? 'the previous color';
  if (name.startsWith('preSwitch:')) return `Running the pre-switch hook ${name.slice('preSwitch:'.length)}`;
  if (name.startsWith('postSync:')) return `Running the post-sync hook ${name.slice('postSync:'.length)}`;
  switch (name) {
    case 'plan':
      return 'Planning: reading the active color and the branch head';
    case 'deploy':
      return `Deploying ${target}`;
    case 'verify':
      return `Verifying ${target} before it gets traffic`;
    case 'approval':
      return 'Waiting for QA approval';
    case 'switch':
      return `Switching traffic to ${target}`;
    case 'monitor':
      return `Monitoring ${target} under traffic`;
    case 'sync':
      return `Syncing ${active} with ${target}`;
    case 'rollback':
      return `Rolling back to ${active}`;
    default:
      return name;
  }
}

export function currentDetails(s: DeploymentStatus): string {
  const route =
    s.activeColor && s.targetColor ? `${s.activeColor} → ${s.targetColor}${s.sha ? ` @ ${shortSha(s.sha)}` : ''}` : '';
  const what = literal(`${s.service}${route ? `: ${route}` : ''}`);
  const blocks: string[] = [];
  const current = s.phases.find((p) => p.name === s.phase);

  // The panel is small: the headline and what to do come first, the phase list last.
  if (s.outcome) {
    const where =
      s.outcome === 'SUCCEEDED' && s.targetColor
        ? `: traffic is on ${s.targetColor}`
        : s.outcome === 'ROLLED_BACK' && s.activeColor
          ? `: traffic is back on ${s.activeColor}`
          : trafficNeverMoved(s)
            ? ': traffic never moved'
            : '';
    const took = s.endedAt ? ` in ${formatDuration(Date.parse(s.endedAt) - Date.parse(s.startedAt))}` : '';
    blocks.push(`**${OUTCOME_MARK[s.outcome]} ${s.outcome}**${literal(where)}${took} — ${what}`);
    const failedRun = s.phases.find((p) => p.state === 'failed' && p.url);
    const lines = [s.error ? literal(s.error) : '', failedRun?.url ? `Failed run: ${failedRun.url}` : ''].filter(Boolean);
    if (lines.length > 0) blocks.push(lines.join('  \n'));
  } else {
    blocks.push(`**${literal(phaseTitle(s, s.phase))}** — ${what}`);
    const lines = [
      current?.detail ? literal(current.detail) : '',
      current?.url && current.state === 'running' ? `GitHub run in progress: ${current.url}` : '',
    ].filter(Boolean);
    if (lines.length > 0) blocks.push(lines.join('  \n'));
    blocks.push(...nextSteps(s, current));
  }

  const decisions = s.approvals.map(
    (a) =>
      `${a.counted ? (a.decision === 'approved' ? 'Approved' : 'Rejected') : `Ignored ${a.decision === 'approved' ? 'approval' : 'rejection'}`} by ${literal(a.by)} at ${a.at.slice(11, 19)} UTC` +
      `${a.comment ? `: “${literal(a.comment)}”` : ''}${!a.counted && a.note ? ` (${literal(a.note)})` : ''}`,
  );
  if (decisions.length > 0) blocks.push(decisions.slice(-5).join('  \n'));
  if (s.pointOfNoReturn) blocks.push('Point of no return passed: rollback is no longer possible.');
  // The deployment id and who started it are in the static summary and details.
  blocks.push(`Phases: ${s.phases.map((p) => `${MARK[p.state]} ${p.name}`).join(' · ')}`);
  // The Web UI (2.42) sizes the details frame to its body's height, which leaves out the last
  // paragraph's bottom margin and cuts that line in half: a blank last paragraph takes the cut.
  blocks.push('\u00a0');
  return blocks.join('\n\n');
}

const trafficNeverMoved = (s: DeploymentStatus) =>
  !s.phases.some((p) => p.name === 'switch' && (p.state === 'running' || p.state === 'succeeded' || p.state === 'failed'));

function nextSteps(s: DeploymentStatus, current: PhaseStatus | undefined): string[] {
  const running = current?.state === 'running';
  // Said before anyone approves or lets the monitor window run out (app-based clean-up hooks).
  const cleanUp = s.phases.filter((p) => p.name.startsWith('postSync:')).map((p) => p.name.slice('postSync:'.length));
  const noReturn =
    cleanUp.length > 0
      ? [
          `Note: rollback is possible until the post-sync hooks (${literal(cleanUp.join(', '))}) start; they are the point of no return.`,
        ]
      : [];
  if (s.phase === 'approval' && running && s.waitingFor) {
    // Who may approve is in the phase detail just above ("waiting up to 1h for alice or bob").
    return [
      [
        `Approve: ${code(`npx bluegreen approve ${s.service} --by <name> --comment "…"`)}`,
        `Reject: ${code(`npx bluegreen reject ${s.service} --by <name> --reason "…"`)}`,
        `Or in this UI: More Actions → Send a Signal ${code('approve')} with ${code('{"by": "<name>"}')}`,
      ].join('  \n'),
      ...noReturn,
    ];
  }
  if (s.phase === 'monitor' && running) {
    return [
      'No action needed: the monitor window ends by itself.',
      [
        `End it early: ${code(`npx bluegreen promote ${s.service} --by <name>`)}`,
        `Switch back: ${code(`npx bluegreen rollback ${s.service} --by <name> --reason "…"`)}`,
      ].join('  \n'),
      ...noReturn,
    ];
  }
  if (s.waitingFor) return [`**Waiting for:** ${literal(s.waitingFor)}`];
  if (['plan', 'deploy', 'verify'].includes(s.phase)) {
    return [
      `No action needed. To stop before traffic moves: ${code(`npx bluegreen abort ${s.service} --by <name> --reason "…"`)}`,
    ];
  }
  return ['No action needed.'];
}
