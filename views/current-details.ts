// The Web UI's "current details" of a deployment, in Markdown: what is happening in words,
// who must act and the exact command (in code spans, so the UI's Markdown does not eat the
// `<name>` placeholders or turn `--by` into a dash), and the phases at a glance.
// Pure: runs in the workflow sandbox.
import { approverLabel } from '../contract/approval-labels.js';
import { describeNotificationFailure, FAILURES_SHOWN } from '../contract/notify-events.js';
import { formatDuration, shortSha } from '../contract/format.js';
import { analysisViews, testLines } from './analysis-details.js';
import { colorSentence, colorsSideBySide, utcTime, type ColorsView } from './colors.js';
import { nextSteps } from './next-steps.js';
import { trafficLine } from './traffic-weight.js';
import { standbyLine } from './standby.js';
import { OUTCOME_MARK, whereTrafficEnded } from './outcome.js';
import type { DeploymentStatus, PhaseStatus } from '../contract/types.js';
import { inertText, markdownText } from '../contract/sanitize.js';
import { phaseTitle } from '../contract/vocabulary.js';
import { bluegreenCommand } from '../contract/commands.js';

const MARK: Record<PhaseStatus['state'], string> = {
  pending: '○',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
  cancelled: '⊘',
};

/** Free text (details, errors) as Markdown that shows literally. */
// Escaped and inert (contract/sanitize.ts): no link, image, emphasis, HTML or line break survives.
const literal = (text: string) => markdownText(text, 4_000);
const code = (text: string) => `\`${text}\``;

export function currentDetails(s: DeploymentStatus): string {
  const route =
    s.activeColor && s.targetColor ? `${s.activeColor} → ${s.targetColor}${s.sha ? ` @ ${shortSha(s.sha)}` : ''}` : '';
  const what = literal(`${s.service}${route ? `: ${route}` : ''}`);
  const blocks: string[] = [];
  const current = s.phases.find((p) => p.name === s.phase);

  // The panel is small: the headline and what to do come first, the phase list last.
  if (s.outcome) {
    const where = whereTrafficEnded(s) || (trafficNeverMoved(s) ? ': traffic never moved' : '');
    const took = s.endedAt ? ` in ${formatDuration(Date.parse(s.endedAt) - Date.parse(s.startedAt))}` : '';
    blocks.push(`**${OUTCOME_MARK[s.outcome]} ${s.outcome}**${literal(where)}${took} — ${what}`);
    const failedRun = s.phases.find((p) => p.state === 'failed' && p.url);
    const lines = [s.error ? literal(s.error) : '', failedRun?.url ? `Failed run: ${inertText(failedRun.url, 500)}` : ''].filter(
      Boolean,
    );
    if (lines.length > 0) blocks.push(lines.join('  \n'));
  } else {
    blocks.push(`**${literal(phaseTitle(s, s.phase))}** — ${what}`);
    const traffic = trafficLine(s);
    const standby = standbyLine(s);
    const lines = [
      current?.detail ? literal(current.detail) : '',
      traffic ? literal(traffic) : '',
      standby ? literal(standby) : '',
      current?.url && current.state === 'running' ? `GitHub run in progress: ${inertText(current.url, 500)}` : '',
    ].filter(Boolean);
    if (lines.length > 0) blocks.push(lines.join('  \n'));
    blocks.push(...nextStepBlocks(s));
  }

  blocks.push(...colorsBlock(s));
  const decisions = s.approvals.map((a) =>
    a.bypass
      ? `Not taken as an approval: ${a.gateRunId !== undefined ? `gate run ${a.gateRunId}` : 'the gate run'} released at ${a.at.slice(11, 19)} UTC by ${literal(approverLabel(a))}`
      : `${a.counted ? (a.decision === 'approved' ? 'Approved' : 'Rejected') : `Ignored ${a.decision === 'approved' ? 'approval' : 'rejection'}`} by ${literal(approverLabel(a))} at ${a.at.slice(11, 19)} UTC` +
        `${a.comment ? `: “${literal(a.comment)}”` : ''}${!a.counted && a.note ? ` (${literal(a.note)})` : ''}`,
  );
  if (decisions.length > 0) blocks.push(decisions.slice(-5).join('  \n'));
  blocks.push(...analysisBlocks(s));
  const failed = s.notifications?.failed ?? [];
  if (failed.length > 0) {
    blocks.push(
      failed
        .slice(-FAILURES_SHOWN)
        .map((f) => `⚠ ${literal(describeNotificationFailure(f))}`)
        .join('  \n'),
    );
  }
  if (s.pointOfNoReturn) blocks.push('Point of no return passed: rollback is no longer possible.');
  // The deployment id and who started it are in the static summary and details.
  blocks.push(`Phases: ${s.phases.map((p) => `${MARK[p.state]} ${p.name}`).join(' · ')}`);
  // The Web UI (2.42) sizes the details frame to its body's height, which leaves out the last
  // paragraph's bottom margin and cuts that line in half: a blank last paragraph takes the cut.
  blocks.push('\u00a0');
  return blocks.join('\n\n');
}

/** Both colors from this deployment's own status (the CLI's `status` adds the earlier deployments). */
function colorsBlock(s: DeploymentStatus): string[] {
  const view = colorsSideBySide([s]);
  if (!view) return [];
  return [colorLines(view, s.deploymentId).join('  \n')];
}

/** The live color first, each as one sentence. */
function colorLines(view: ColorsView, current: string): string[] {
  const sides = view.live === 'green' ? [view.green, view.blue] : [view.blue, view.green];
  return sides.map((side) => `${side.live ? '●' : '○'} ${literal(colorSentence(side, view, { time: utcTime, current }))}`);
}

const trafficNeverMoved = (s: DeploymentStatus) =>
  !s.phases.some((p) => p.name === 'switch' && (p.state === 'running' || p.state === 'succeeded' || p.state === 'failed'));

/** The next steps (next-steps.ts) in Markdown: commands in code spans, one paragraph per group. */
function nextStepBlocks(s: DeploymentStatus): string[] {
  const steps = nextSteps(s);
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const notes = steps.notes.map((n) => `Note: ${literal(n)}.`);
  const commands = steps.commands.map((c) => `${capital(c.label)}: ${code(c.command)}`);
  const signal = steps.signal
    ? [`Or in this UI: More Actions → Send a Signal ${code(steps.signal.name)} with ${code(steps.signal.payload)}`]
    : [];
  switch (steps.moment) {
    case 'approval':
      // Who may approve is in the phase detail just above ("waiting up to 1h for alice or bob").
      return [[...commands, ...signal].join('  \n'), ...notes];
    case 'monitor':
    case 'bake':
    case 'retry':
    case 'window':
      return [literal(steps.lead ?? ''), commands.join('  \n'), ...notes];
    case 'waiting':
      return [`**Waiting for:** ${literal(s.waitingFor ?? '')}`];
    case 'abortable':
      return [`${steps.lead} ${steps.commands.map((c) => code(c.command)).join(' ')}`];
    case 'none':
      return ['No action needed.'];
  }
}

const LIVE_COUNTS_HINT =
  'Counts as they come in: Pending Activities → verifyWindow or monitorWindow → Heartbeat Details (`lines`) below, or <service>';

/** What verify and monitor measured and the test runs in words; links stay clickable. */
function analysisBlocks(s: DeploymentStatus): string[] {
  const views = analysisViews(s);
  const checked = views.filter((v) => v.checks);
  const blocks = checked.length > 0 ? [checked.map((v) => `Checks (${v.phase}): ${literal(v.checks!)}`).join('  \n')] : [];
  for (const section of views.flatMap((v) => (v.metrics ? [v.metrics] : []))) {
    blocks.push(
      [
        `**${literal(section.title)}:** ${literal(section.verdict ?? '')}`,
        ...section.metrics.map(
          (m) =>
            `${m.mark} ${literal(m.line)}${m.at ? ` — evaluated at ${m.at.slice(11, 19)} UTC` : ''}${m.link ? ` — [graph](${m.link.replace(/[()\s]/g, encodeURIComponent)})` : ''}`,
        ),
        // The workflow learns the counts when the activity ends (one event, not one per round).
        ...(section.running ? [LIVE_COUNTS_HINT.replace('<service>', code(bluegreenCommand('status', s.service)))] : []),
      ].join('  \n'),
    );
  }
  const tests = testLines(s);
  if (tests.length > 0)
    blocks.push([`**Tests against ${literal(s.targetColor ?? 'the target')}:**`, ...tests.map(literal)].join('  \n'));
  return blocks;
}
