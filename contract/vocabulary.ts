// The words of a deployment, each defined once: the phases (in order, before or after traffic
// moves, their title, the step name their GitHub dispatches carry) and the human decisions
// (signal, update, text field, what accepting one does). The status tracker, the decision
// rules, the Web UI details, the CLI and the webhook receiver all read these tables.
// Pure data and functions: loaded in the workflow sandbox and by the CLI.
import type { DeploymentStatus, PhaseName } from './types.js';

/** Phases with a fixed name; hook phases are named by `hookPhase()`. */
export type FixedPhase =
  'plan' | 'deploy' | 'verify' | 'approval' | 'window' | 'switch' | 'monitor' | 'bake' | 'sync' | 'rollback';
export type HookKind = 'preSwitch' | 'postSync';

export interface PhaseInfo {
  /** Whether traffic may have moved while this phase runs (abort before, rollback after). */
  traffic: 'before' | 'after';
  /** The Web UI headline while the phase runs. */
  title: (s: DeploymentStatus) => string;
  /** The step name in correlation ids of the GitHub runs it dispatches (`<deploymentId>.<step>`). */
  dispatchStep?: string;
}

const target = (s: DeploymentStatus) => s.targetColor ?? 'the new color';
const active = (s: DeploymentStatus) => s.activeColor ?? 'the previous color';

export const PHASES: Record<FixedPhase, PhaseInfo> = {
  plan: { traffic: 'before', title: () => 'Planning: reading the active color and the branch head' },
  deploy: { traffic: 'before', title: (s) => `Deploying ${target(s)}`, dispatchStep: 'deploy' },
  verify: { traffic: 'before', title: (s) => `Verifying ${target(s)} before it gets traffic` },
  approval: { traffic: 'before', title: () => 'Waiting for QA approval' },
  /** Issue 17: held before the switch until a switch window is open and no freeze applies (only when one holds it). */
  window: { traffic: 'before', title: () => 'Waiting for a switch window' },
  switch: { traffic: 'after', title: (s) => `Switching traffic to ${target(s)}`, dispatchStep: 'switch' },
  monitor: { traffic: 'after', title: (s) => `Monitoring ${target(s)} under traffic` },
  /** Issue 17 (sync.after): the old color kept warm after monitoring; rollback is instant. */
  bake: { traffic: 'after', title: (s) => `Baking ${target(s)}: ${active(s)} kept warm for an instant rollback` },
  sync: { traffic: 'after', title: (s) => `Syncing ${active(s)} with ${target(s)}`, dispatchStep: 'sync' },
  rollback: { traffic: 'after', title: (s) => `Rolling back to ${active(s)}`, dispatchStep: 'rollback' },
};

/** The phases before traffic moves, in order (then the preSwitch hooks). */
export const BEFORE_SWITCH: readonly FixedPhase[] = ['plan', 'deploy', 'verify', 'approval'];
/** The phases after the preSwitch hooks, in order (then the postSync hooks); rollback only when needed. */
export const FROM_SWITCH: readonly FixedPhase[] = ['switch', 'monitor', 'sync'];

export const HOOKS: Record<HookKind, { traffic: 'before' | 'after'; words: string }> = {
  preSwitch: { traffic: 'before', words: 'pre-switch' },
  postSync: { traffic: 'after', words: 'post-sync' },
};

/** The phase name of a hook step, e.g. `preSwitch:migrate-expand`. */
export const hookPhase = (kind: HookKind, name: string): PhaseName => `${kind}:${name}`;

/** The hook a phase name stands for, or undefined for the fixed phases. */
export function hookOf(phase: string): { kind: HookKind; name: string } | undefined {
  const colon = phase.indexOf(':');
  if (colon < 0) return undefined;
  const kind = phase.slice(0, colon);
  return kind === 'preSwitch' || kind === 'postSync' ? { kind, name: phase.slice(colon + 1) } : undefined;
}

/** The hooks of one kind among the status's phases, by name. */
export const hookNames = (s: DeploymentStatus, kind: HookKind): string[] =>
  s.phases.map((p) => hookOf(p.name)).flatMap((h) => (h?.kind === kind ? [h.name] : []));

/** Traffic has not moved yet: plan … approval and the preSwitch hooks (e.g. an expand migration). */
export function beforeTraffic(phase: string): boolean {
  const hook = hookOf(phase);
  if (hook) return HOOKS[hook.kind].traffic === 'before';
  return phase in PHASES && PHASES[phase as FixedPhase].traffic === 'before';
}

/** The Web UI headline of a running phase. */
export function phaseTitle(s: DeploymentStatus, phase: PhaseName): string {
  const hook = hookOf(phase);
  if (hook) return `Running the ${HOOKS[hook.kind].words} hook ${hook.name}`;
  return phase in PHASES ? PHASES[phase as FixedPhase].title(s) : phase;
}

/** The search attribute value of a phase: hooks are reported under their family name. */
export const phaseFamily = (phase: PhaseName): string => hookOf(phase)?.kind ?? phase;

/** The correlation-id step of a phase's dispatches: `deploy`, `preSwitch-migrate-expand` … */
export function dispatchStep(phase: PhaseName): string {
  const hook = hookOf(phase);
  if (hook) return `${hook.kind}-${hook.name}`;
  return PHASES[phase as FixedPhase]?.dispatchStep ?? phase;
}

/** A regular expression source matching any dispatch step (the webhook receiver finds them in run names). */
export const DISPATCH_STEP_PATTERN = [
  ...Object.values(PHASES).flatMap((p) => (p.dispatchStep ? [p.dispatchStep] : [])),
  ...Object.keys(HOOKS).map((kind) => `${kind}-[a-z0-9-]+`),
  // verify.tests: one dispatch per test workflow (workflows/phases/analysis.ts).
  'test-[a-z0-9-]+',
  // approval via GitHub: one QA gate run per approval (workflows/phases/approval-github.ts).
  'approval-[0-9]+',
].join('|');

export type DecisionKind = 'approve' | 'reject' | 'rollback' | 'abort' | 'promote' | 'retry' | 'override';

export interface DecisionInfo {
  /** The signal name (stock Temporal CLI, Web UI "Send a Signal"). */
  signal: string;
  /** The update name (bluegreen CLI: refused at once when it does not count). */
  update: string;
  /** The payload field carrying free text, and whether it is required. */
  textField?: { name: 'comment' | 'reason'; required: boolean };
  /** What accepting it does, in words. */
  consequence: string;
}

// The text fields a decision takes: a reason it cannot go without, or a note it may carry.
const REASON = { name: 'reason', required: true } as const;
const OPTIONAL_REASON = { name: 'reason', required: false } as const;
const OPTIONAL_COMMENT = { name: 'comment', required: false } as const;

export const DECISIONS: Record<DecisionKind, DecisionInfo> = {
  approve: {
    signal: 'approve',
    update: 'approveDecision',
    textField: OPTIONAL_COMMENT,
    consequence: 'the approval gate opens: traffic moves next',
  },
  reject: {
    signal: 'reject',
    update: 'rejectDecision',
    textField: REASON,
    consequence: 'the deployment ends ABORTED, traffic untouched',
  },
  rollback: {
    signal: 'rollback',
    update: 'rollbackRequest',
    textField: REASON,
    consequence: 'traffic switches back to the previous color (ROLLED_BACK)',
  },
  abort: {
    signal: 'abort',
    update: 'abortRequest',
    textField: REASON,
    consequence: 'the deployment stops before traffic moves (ABORTED)',
  },
  promote: { signal: 'promote', update: 'promoteRequest', consequence: 'the monitor window (or the bake) ends now, healthy' },
  retry: {
    signal: 'retry',
    update: 'retryRequest',
    textField: OPTIONAL_REASON,
    consequence: 'the failed step runs again (a new run, a new correlation id)',
  },
  override: {
    signal: 'overrideWindow',
    update: 'overrideWindowRequest',
    textField: REASON,
    consequence: 'the switch goes ahead now, outside its switch window (recorded)',
  },
};
