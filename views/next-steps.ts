// What a human can or must do now, as data: one rule set that the CLI (client/render.ts) and
// the Web UI's current details (current-details.ts) both render, so they cannot disagree about
// which command fits which moment. Pure: runs in the workflow sandbox.
import { orList } from '../contract/format.js';
import type { DeploymentStatus } from '../contract/types.js';
import { beforeTraffic, DECISIONS, hookNames } from '../contract/vocabulary.js';
import { bluegreenCommand, decisionCommand } from '../contract/commands.js';

export interface NextCommand {
  /** e.g. "approve", "end it early" (renderers capitalise as they need). */
  label: string;
  command: string;
}

export interface NextSteps {
  /**
   * approval: the gate is open; monitor: the window runs by itself; waiting: the workflow waits
   * on a human for `waitingFor`; retry: a failed step waits for retry/abort (onFailure: ask);
   * window: held before the switch by a switch window or freeze; abortable: nothing to do, abort still possible; none.
   */
  moment: 'approval' | 'monitor' | 'bake' | 'retry' | 'window' | 'waiting' | 'abortable' | 'none';
  /** The first sentence, e.g. "Waiting for QA approval: alice or bob may approve." */
  lead?: string;
  commands: NextCommand[];
  /** The signal the Web UI can send instead of a command (the approval gate). */
  signal?: { name: string; payload: string };
  /** Said after the commands (the post-sync hooks' point of no return). */
  notes: string[];
}

/** Whether two names are one person (GitHub logins compare case-insensitively). */
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Who may still approve: the approvers (GitHub's reviewers of the gate's environment on the GitHub
 * path), without the deployer where self-approval is refused and without those already counted.
 */
export function mayStillApprove(s: DeploymentStatus): { names: string[]; anyoneBut?: string } {
  const deployer = s.deployer?.login ?? s.requestedBy;
  const excluded = [
    ...(s.allowSelfApproval === true ? [] : [deployer]),
    ...(s.gate ? s.gate.approvedBy : s.approvals.filter((a) => a.counted && a.decision === 'approved').map((a) => a.by)),
  ];
  const listed = s.gate && s.gate.reviewers.length > 0 ? s.gate.reviewers : s.approvers;
  if (listed.length === 0) return s.allowSelfApproval === true ? { names: [] } : { names: [], anyoneBut: deployer };
  return { names: listed.filter((name) => !excluded.some((x) => same(x, name))) };
}

function approvalSteps(s: DeploymentStatus, notes: string[]): NextSteps {
  const { names, anyoneBut } = mayStillApprove(s);
  const who =
    names.length > 0
      ? `${orList(names)} may approve`
      : anyoneBut !== undefined
        ? `anyone but ${anyoneBut} (who started it) may approve`
        : 'anyone may approve';
  if (s.gate) {
    // Verified by GitHub: the reviewer acts as themselves with their own token; no --by, no signal.
    const asYou = (decision: string, text: string) =>
      `GITHUB_TOKEN=$(gh auth token) ${bluegreenCommand(decision, s.service, text)}`;
    return {
      moment: 'approval',
      lead: `Waiting for QA approval on GitHub: ${who} (as themselves on GitHub).`,
      commands: [
        { label: 'approve', command: asYou('approve', '--comment "…"') },
        { label: 'reject', command: asYou('reject', '--reason "…"') },
      ],
      notes: [...(s.gate.url ? [`or on GitHub: open ${s.gate.url} → Review deployments`] : []), ...notes],
    };
  }
  // One name left: the command names it; else the person fills in their own.
  const by = names.length === 1 ? names[0]! : '<name>';
  const command = (decision: string, text: string) => bluegreenCommand(decision, s.service, '--by', by, text);
  return {
    moment: 'approval',
    lead: `Waiting for QA approval: ${who}.`,
    commands: [
      { label: 'approve', command: command('approve', '--comment "…"') },
      { label: 'reject', command: command('reject', '--reason "…"') },
    ],
    signal: { name: DECISIONS.approve.signal, payload: `{"by": "${by}"}` },
    notes,
  };
}

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export function nextSteps(s: DeploymentStatus): NextSteps {
  if (s.outcome) return { moment: 'none', commands: [], notes: [] };
  const running = s.phases.find((p) => p.name === s.phase)?.state === 'running';
  const cmd = (label: string, decision: string, args: string) => ({
    label,
    command: decisionCommand(decision, s.service, args),
  });
  // Said before anyone approves or lets the monitor window run out (app-based clean-up hooks).
  const cleanUp = hookNames(s, 'postSync');
  const notes =
    cleanUp.length > 0
      ? [`rollback is possible until the post-sync hooks (${cleanUp.join(', ')}) start: they are the point of no return`]
      : [];
  if (s.phase === 'approval' && running && s.waitingFor) return approvalSteps(s, notes);
  if (s.phase === 'monitor' && running) {
    return {
      moment: 'monitor',
      lead: 'No action needed: the monitor window ends by itself.',
      commands: [cmd('end it early', 'promote', ''), cmd('switch back', 'rollback', '--reason "…"')],
      notes,
    };
  }
  if (s.phase === 'bake' && running && s.bake) {
    return {
      moment: 'bake',
      lead: `Instant rollback to ${s.bake.color} possible until ${utc(s.bake.until)}; no action needed, sync follows then.`,
      commands: [cmd('switch back', 'rollback', '--reason "…"'), cmd('end the bake', 'promote', '')],
      notes,
    };
  }
  if (s.stepFailure) {
    const f = s.stepFailure;
    return {
      moment: 'retry',
      lead: `The failed ${f.step} (attempt ${f.attempt}) waits for a decision; otherwise ${f.otherwise} at ${utc(f.decideBy)}: ${f.error}`,
      commands: [cmd('run it again', 'retry', '--reason "…"'), cmd('give up', 'abort', '--reason "…"')],
      notes: [],
    };
  }
  if (s.phase === 'window' && running && s.switchWindow) {
    const w = s.switchWindow;
    const who = s.approvers.length > 0 ? `${orList(s.approvers)} (an approver)` : 'an approver';
    return {
      moment: 'window',
      lead:
        `Waiting for a switch window: ${w.why}. ` +
        (w.until
          ? `The switch goes ahead by itself at ${utc(w.until)}.`
          : 'No switch is allowed within a year: only an override moves it.'),
      commands: [cmd('switch now', 'override-window', '--reason "…"'), cmd('stop', 'abort', '--reason "…"')],
      notes: [`only ${who} may switch now, with a reason (recorded)`],
    };
  }
  if (s.waitingFor) return { moment: 'waiting', lead: `Waiting for ${s.waitingFor}`, commands: [], notes: [] };
  if (beforeTraffic(s.phase)) {
    return {
      moment: 'abortable',
      lead: 'No action needed. To stop before traffic moves:',
      commands: [cmd('abort', 'abort', '--reason "…"')],
      notes: [],
    };
  }
  return { moment: 'none', commands: [], notes: [] };
}
