// The words of a deployment, each defined once: the phases (in order, before or after traffic
// moves, their title, the step name their GitHub dispatches carry, when the status lists them)
// and the human decisions (signal, update, text field, what accepting one does). The sequence,
// the status tracker, the decision rules, next steps, the Web UI details, the CLI, the webhook
// receiver and the README diagram (test/vocabulary.test.ts) all follow these tables.
// Pure data and functions: loaded in the workflow sandbox and by the CLI.
import type { DeploymentPlan, DeploymentStatus, PhaseName, StatusView } from './types.js';

/** How a phase appears in a new deployment's status: listed pending, listed skipped, or added when it runs. */
export type Listing = 'pending' | 'skipped' | 'when-run';

interface PhaseRow {
  /** A fixed phase, or a hook kind whose hooks run here, one phase each (`preSwitch:<name>`). */
  name: string;
  /** A hook kind: its words ("pre-switch"); the headline names the hook. */
  hooks?: string;
  /** Whether traffic may have moved while this phase runs (abort before, rollback after). */
  traffic: 'before' | 'after';
  /** The Web UI headline while the phase runs. */
  title?: (s: DeploymentStatus) => string;
  /** The step name in correlation ids of the GitHub runs it dispatches (`<deploymentId>.<step>`). */
  dispatchStep?: string;
  /** How a new deployment's status lists it (default pending). */
  listed?: (plan: DeploymentPlan) => Listing;
  /** Not a step of the sequence: run when the sequence asks for it (rollback). */
  onDemand?: true;
}

const target = (s: DeploymentStatus) => s.targetColor ?? 'the new color';
const active = (s: DeploymentStatus) => s.activeColor ?? 'the previous color';

/** Every phase in the order it runs (hook kinds where their hooks run; rollback when asked for). */
export const PHASE_TABLE = [
  { name: 'plan', traffic: 'before', title: () => 'Planning: reading the active color and the branch head' },
  { name: 'deploy', traffic: 'before', title: (s) => `Deploying ${target(s)}`, dispatchStep: 'deploy' },
  { name: 'verify', traffic: 'before', title: (s) => `Verifying ${target(s)} before it gets traffic` },
  {
    name: 'approval',
    traffic: 'before',
    title: () => 'Waiting for QA approval',
    listed: (plan) => (plan.approval.required ? 'pending' : 'skipped'),
  },
  // Only a release train's services: ready to switch, held until the train's parent releases them.
  {
    name: 'hold',
    traffic: 'before',
    title: () => 'Ready to switch: held by its release train',
    listed: (plan) => (plan.train ? 'pending' : 'when-run'),
  },
  // Listed only when a switch window or freeze actually holds the switch.
  { name: 'window', traffic: 'before', title: () => 'Waiting for a switch window', listed: () => 'when-run' },
  { name: 'preSwitch', hooks: 'pre-switch', traffic: 'before' },
  { name: 'switch', traffic: 'after', title: (s) => `Switching traffic to ${target(s)}`, dispatchStep: 'switch' },
  { name: 'monitor', traffic: 'after', title: (s) => `Monitoring ${target(s)} under traffic` },
  {
    name: 'bake',
    traffic: 'after',
    title: (s) => `Baking ${target(s)}: ${active(s)} kept warm for an instant rollback`,
    listed: (plan) => ((plan.sync.afterMs ?? 0) > 0 ? 'pending' : 'when-run'),
  },
  {
    name: 'sync',
    traffic: 'after',
    title: (s) => `Syncing ${active(s)} with ${target(s)}`,
    dispatchStep: 'sync',
    listed: (plan) => (plan.sync.enabled ? 'pending' : 'skipped'),
  },
  { name: 'postSync', hooks: 'post-sync', traffic: 'after' },
  {
    name: 'rollback',
    traffic: 'after',
    title: (s) => `Rolling back to ${active(s)}`,
    dispatchStep: 'rollback',
    listed: () => 'when-run',
    onDemand: true,
  },
] as const satisfies readonly PhaseRow[];

type Row = (typeof PHASE_TABLE)[number];
/** Phases with a fixed name; hook phases are named by `hookPhase()`. */
export type FixedPhase = Exclude<Row, { hooks: string }>['name'];
export type HookKind = Extract<Row, { hooks: string }>['name'];
/** The steps of the sequence, in table order: every fixed phase but the on-demand ones, and the hook kinds. */
export type SequenceStep = Exclude<Row, { onDemand: true }>['name'];
/** `status.phase` once the deployment has ended. */
export const DONE = 'done';

const rowOf = (name: string): PhaseRow | undefined => (PHASE_TABLE as readonly PhaseRow[]).find((row) => row.name === name);
const fixedRow = (name: string): PhaseRow | undefined => {
  const row = rowOf(name);
  return row && !row.hooks ? row : undefined;
};

/** The steps the sequence runs, in order. */
export const SEQUENCE: readonly SequenceStep[] = PHASE_TABLE.flatMap((row) => ('onDemand' in row ? [] : [row.name]));

/** Whether a step of the sequence runs hooks (`preSwitch`, `postSync`). */
export const isHookKind = (name: string): name is HookKind => rowOf(name)?.hooks !== undefined;

/**
 * The phases a new deployment's status lists, in order (hooks expanded), each pending or
 * skipped; phases listed `when-run` are added by `phasePosition` when they start.
 */
export function initialPhases(plan: DeploymentPlan): { name: PhaseName; state: 'pending' | 'skipped' }[] {
  return PHASE_TABLE.flatMap((row: PhaseRow): { name: PhaseName; state: 'pending' | 'skipped' }[] => {
    if (row.hooks) {
      const kind = row.name as HookKind;
      return plan.hooks[kind].map((h) => ({ name: hookPhase(kind, h.name), state: 'pending' }));
    }
    const listing = row.listed?.(plan) ?? 'pending';
    return listing === 'when-run' ? [] : [{ name: row.name as FixedPhase, state: listing }];
  });
}

/** Where a phase belongs among `names` (the status's list), by table order: the index to insert it at. */
export function phasePosition(names: readonly PhaseName[], phase: PhaseName): number {
  const rank = (name: PhaseName) => PHASE_TABLE.findIndex((row) => row.name === (hookOf(name)?.kind ?? name));
  const at = names.findIndex((name) => rank(name) > rank(phase));
  return at < 0 ? names.length : at;
}

/** The phase name of a hook step, e.g. `preSwitch:migrate-expand`. */
export const hookPhase = (kind: HookKind, name: string): PhaseName => `${kind}:${name}`;

/** The hook a phase name stands for, or undefined for the fixed phases. */
export function hookOf(phase: string): { kind: HookKind; name: string } | undefined {
  const colon = phase.indexOf(':');
  if (colon < 0) return undefined;
  const kind = phase.slice(0, colon);
  return isHookKind(kind) ? { kind, name: phase.slice(colon + 1) } : undefined;
}

/** The hooks of one kind among the status's phases, by name. */
export const hookNames = (s: Pick<StatusView, 'phases'>, kind: HookKind): string[] =>
  s.phases.map((p) => hookOf(p.name)).flatMap((h) => (h?.kind === kind ? [h.name] : []));

/** Traffic has not moved yet: plan … window and the preSwitch hooks (e.g. an expand migration). */
export function beforeTraffic(phase: string): boolean {
  return rowOf(hookOf(phase)?.kind ?? phase)?.traffic === 'before';
}

/** The Web UI headline of a running phase. */
export function phaseTitle(s: DeploymentStatus, phase: PhaseName | typeof DONE): string {
  const hook = hookOf(phase);
  if (hook) return `Running the ${rowOf(hook.kind)?.hooks} hook ${hook.name}`;
  return fixedRow(phase)?.title?.(s) ?? phase;
}

/** The search attribute value of a phase: hooks are reported under their family name. */
export const phaseFamily = (phase: PhaseName | typeof DONE): string => hookOf(phase)?.kind ?? phase;

/** The correlation-id step of a phase's dispatches: `deploy`, `preSwitch-migrate-expand` … */
export function dispatchStep(phase: PhaseName): string {
  const hook = hookOf(phase);
  if (hook) return `${hook.kind}-${hook.name}`;
  return fixedRow(phase)?.dispatchStep ?? phase;
}

/** A regular expression source matching any dispatch step (the webhook receiver finds them in run names). */
export const DISPATCH_STEP_PATTERN = [
  ...PHASE_TABLE.flatMap((row: PhaseRow) => (row.dispatchStep ? [row.dispatchStep] : [])),
  ...PHASE_TABLE.flatMap((row: PhaseRow) => (row.hooks ? [`${row.name}-[a-z0-9-]+`] : [])),
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
