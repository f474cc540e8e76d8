// A release train: several services deployed, approved, switched and rolled back as one, in
// dependency order. The plan the parent workflow (`releaseTrain`) starts with, what it reports,
// and the order rules (levels, cycles) the CLI and the workflow judge a train by alike.
// Pure data and functions: loaded in the workflow sandbox and by the CLI.
import type { ApprovalPlan, Color, DeploymentPlan, DeploymentStatus, GateStatus, NotificationsStatus, Outcome } from './types.js';

export const TRAIN_WORKFLOW_TYPE = 'releaseTrain';
/** `train-<name>`: never a service's id (those start `bluegreen-`), at most one running train per name. */
export const trainWorkflowIdFor = (train: string): string => `train-${train}`;
/** At most this many services in one train (each is a child workflow the parent watches). */
export const MAX_TRAIN_SERVICES = 20;

/** One service of a train: its own plan and the services it is switched after. */
export interface TrainServicePlan {
  service: string;
  after: string[];
  plan: DeploymentPlan;
}

export interface TrainPlan {
  train: string;
  trainId: string;
  requestedBy: string;
  services: TrainServicePlan[];
  approval: {
    required: boolean;
    approvers: string[];
    minApprovals: number;
    timeoutMs: number;
    /** true: every service passes its own gate (the train still holds and switches them in order). */
    perService: boolean;
  };
  /** durationMs: every service's monitor window is at least this long (the train is watched as one). */
  monitor: { durationMs?: number };
  /** automatic: false waits for a `rollback` on the train before rolling back after a failure. */
  rollback: { automatic: boolean };
}

/** What a child's plan carries when a train started it: the hold at "ready to switch" answers only this parent. */
export interface TrainMembership {
  name: string;
  /** The parent's workflow id; the child checks it against its own parent. */
  workflowId: string;
  /** `train`: the parent's gate covers the service (unless its policy wants GitHub's); `service`: its own gate. */
  approval: 'train' | 'service';
  /**
   * Set by the train when it starts the service. `train`: the train sends the train-level
   * notifications (TRAIN_LEVEL_EVENTS) once for all its services. `train-as-one`: it also says
   * started and failed for them, and the approval events of its gate when that gate covers the
   * service (TRAIN_AS_ONE_EVENTS); the service reports `planned` so the train knows its route.
   */
  notifications?: 'train' | 'train-as-one';
}

/**
 * Where a child stands, as it tells its parent. `planned` (its colors and SHA read) only when the
 * train speaks as one for it (notifications `train-as-one`). `gate` and `approved` come only from the service
 * that holds the train's QA gate on GitHub: a gate run waits for review (its status carries the
 * link), and the verified approvals counted (its status carries the logins).
 */
export type TrainStage = 'planned' | 'ready' | 'gate' | 'approved' | 'switched' | 'failing' | 'monitored';

/** A child's report to its parent (signal `trainServiceReport`). */
export interface TrainReport {
  service: string;
  workflowId: string;
  runId: string;
  stage: TrainStage;
  /** The child's status when it reported (SHA, colors, verify evidence). */
  status: DeploymentStatus;
  /** ready: the approval rules the child's policy set (who may decide for it). */
  approval?: ApprovalPlan;
  /** ready: the train's gate approves this service (else it passed its own gate). */
  covered?: boolean;
  /** failing: why the service wants to go back. */
  reason?: string;
}

/** The parent's order to a child (signal `trainOrder`); `parentRunId` must be the child's parent's run. */
export type TrainOrderKind = 'gate' | 'switch' | 'rollback' | 'goOn' | 'stop';
export interface TrainOrder {
  kind: TrainOrderKind;
  parentWorkflowId: string;
  parentRunId: string;
  /** switch: whose approval of the train counted (recorded in the child's approval phase). */
  approvedBy?: string[];
  /**
   * switch: where GitHub verified those approvals (the gate service's gate, in words); absent when
   * the names were typed into signals. A service whose policy takes only verified approvals
   * refuses a switch without it.
   */
  verifiedOn?: string;
  /** gate: the distinct verified approvals the train needs (at least the gate service's own). */
  minApprovals?: number;
  /** rollback / stop: why, in words (names the service that failed). */
  reason?: string;
  by?: string;
}

/** What the train's status says of one service. */
export type TrainServiceState =
  'waiting' | 'deploying' | 'ready' | 'switching' | 'switched' | 'monitored' | 'rolling back' | 'done';

export interface TrainServiceStatus {
  service: string;
  after: string[];
  level: number;
  workflowId: string;
  runId?: string;
  state: TrainServiceState;
  activeColor?: Color;
  targetColor?: Color;
  sha?: string;
  /** The verify phase's words (its evidence) when the service became ready. */
  verify?: string;
  outcome?: Outcome;
  detail?: string;
}

export type TrainPhase = 'deploy' | 'approval' | 'switch' | 'monitor' | 'sync' | 'rollback' | 'done';

export interface TrainStatus {
  train: string;
  trainId: string;
  requestedBy: string;
  startedAt: string;
  endedAt?: string;
  phase: TrainPhase;
  /** The dependency levels: every service of a level switches after the levels before it. */
  levels: string[][];
  services: TrainServiceStatus[];
  approvals: {
    by: string;
    decision: 'approved' | 'rejected';
    at: string;
    comment?: string;
    counted: boolean;
    note?: string;
    /** true: a GitHub login GitHub vouches for (the train's gate on GitHub). */
    verified?: boolean;
  }[];
  approvers: string[];
  /** The train's QA gate on GitHub, held by one of its services, when an approval must be verified by GitHub. */
  gate?: GateStatus & { service: string; workflowId: string };
  waitingFor?: string;
  outcome?: Outcome;
  /** Why the train did not succeed, naming the service. */
  error?: string;
  /** What the outcome alone would hide (a service past its point of no return). */
  notes?: string[];
  /** The train's own notifications: how many went out, the failures. */
  notifications?: NotificationsStatus;
}

/** A problem of a train's order, naming the service (`path` is where the train file says it). */
export interface TrainOrderProblem {
  path: string;
  message: string;
}

/** Unknown `after:` names, duplicates and cycles, each named; empty when the order is sound. */
export function trainOrderProblems(services: readonly { service: string; after: readonly string[] }[]): TrainOrderProblem[] {
  const problems: TrainOrderProblem[] = [];
  const names = services.map((s) => s.service);
  services.forEach((s, i) => {
    if (names.indexOf(s.service) !== i) problems.push({ path: `services.${i}`, message: `${s.service} is listed twice` });
    s.after.forEach((dep, j) => {
      if (dep === s.service)
        problems.push({ path: `services.${i}.after.${j}`, message: `${s.service} cannot come after itself` });
      else if (!names.includes(dep)) {
        problems.push({
          path: `services.${i}.after.${j}`,
          message: `${s.service} comes after "${dep}", which is not a service of this train (${names.join(', ')})`,
        });
      }
    });
  });
  if (problems.length > 0) return problems;
  const cycle = findCycle(services);
  if (cycle) {
    const at = names.indexOf(cycle[0]!);
    problems.push({
      path: `services.${at}.after`,
      message: `the services depend on each other in a circle: ${cycle.join(' → ')}`,
    });
  }
  return problems;
}

/** One dependency cycle as a path that ends where it began (a → b → a), or undefined. */
function findCycle(services: readonly { service: string; after: readonly string[] }[]): string[] | undefined {
  const afterOf = new Map(services.map((s) => [s.service, s.after]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of afterOf.get(name) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of services) {
    const found = visit(s.service);
    if (found) return found;
  }
  return undefined;
}

/**
 * The services in levels: level 0 depends on nothing, level n on services of levels below n only.
 * Within a level, the train file's order. Throws on an order with problems (check first).
 */
export function trainLevels(services: readonly { service: string; after: readonly string[] }[]): string[][] {
  const problems = trainOrderProblems(services);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  const level = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const deps = services.find((s) => s.service === name)?.after ?? [];
    const found = deps.length === 0 ? 0 : Math.max(...deps.map(levelOf)) + 1;
    level.set(name, found);
    return found;
  };
  const levels: string[][] = [];
  for (const s of services) (levels[levelOf(s.service)] ??= []).push(s.service);
  return levels;
}

/** The order services switch in: level by level, the file's order within a level. Rollback runs it backwards. */
export const switchOrder = (levels: readonly string[][]): string[] => levels.flat();

/** The levels in words: `api, worker → web`. */
export const describeLevels = (levels: readonly string[][]): string => levels.map((l) => l.join(', ')).join(' → ');
