// The activity contract: what the workflow may ask of the outside world. Inputs and outputs
// are plain data and never carry credentials (the worker holds those).
import type { Color, DeploymentPlan, GitHubRepoRef } from '../contract/types.js';
import type { Freeze, SwitchWindow } from '../contract/windows.js';
import type { PlanPolicyVerdict } from '../contract/policy-verdict.js';

export interface SwitchScheduleInput {
  service: string;
}
/** Switch windows and freezes, each labelled with where it comes from. */
export interface SwitchSchedule {
  windows: SwitchWindow[];
  freezes: Freeze[];
}

export interface ReadActiveColorInput {
  /** Full URL of the public color endpoint, e.g. https://api.example.com/deployment/color/ */
  url: string;
}

export interface ReadPlanInput {
  plan: DeploymentPlan;
}

/** What the plan phase reads (readPlan): nothing past the policy's verdict when it refuses the plan. */
export type PlanReads =
  | { allowed: false; policy: PlanPolicyVerdict }
  | {
      allowed: true;
      policy: PlanPolicyVerdict;
      active: Color;
      /** The commit to deploy: the revert's, or the target branch's head; absent when the target is already live. */
      sha?: string;
      /** Head of the live color's branch, for `bluegreen revert`; absent when it could not be read. */
      previousSha?: string;
    };

export interface ReadBranchHeadInput {
  github: GitHubRepoRef;
  branch: string;
}

export interface FindDispatchedRunInput extends DispatchWorkflowInput {
  /** How long to look: a dispatch sent just before the abort takes seconds to be listed. */
  withinMs: number;
}

export interface DispatchWorkflowInput {
  github: GitHubRepoRef;
  /** Workflow file name, e.g. deploy-green.yml */
  workflow: string;
  ref: string;
  /**
   * Unique per dispatch (e.g. `<deploymentId>.deploy`). Sent as the `deployment_id` input;
   * the workflow's run-name carries it, which is how a retried dispatch finds its run.
   */
  correlationId: string;
  inputs: Record<string, string>;
  /**
   * The commit the run must be of (the deploy's planned SHA). A found run of another commit is
   * not adopted; absent, only the triggering actor is checked.
   */
  expectedHeadSha?: string;
  /**
   * How long a dispatch whose answer was lost looks for its run before dispatching again
   * (`plan.deploy.dispatchWindowMs`); absent, the worker's default. The worker bounds it.
   */
  dispatchWindowMs?: number;
}

export interface WorkflowRunRef {
  runId: number;
  url: string;
  /** True when this call found an existing run instead of dispatching a new one. */
  reused: boolean;
  /**
   * Set when an earlier dispatch of the same correlation id may have created a run that was not
   * listed in time (its answer was lost, the window ran out): runs carrying the id created since
   * then (ms) other than this one are duplicates, watched for while this run is waited for.
   */
  earlierDispatchSinceMs?: number;
}

/** Another run of the same dispatch, found while waiting (a lost dispatch's run listed late). */
export interface DuplicateRunWatch extends DispatchWorkflowInput {
  sinceMs: number;
}

export interface WaitForRunInput {
  github: GitHubRepoRef;
  runId: number;
  /** Poll interval while the run is queued or in progress. */
  pollIntervalMs?: number;
  /** Watch for (and cancel) other runs of this dispatch. */
  duplicatesOf?: DuplicateRunWatch;
}

/** A duplicate run of a dispatch, and what became of it. */
export interface DuplicateRun {
  runId: number;
  url: string;
  /** `cancelled`, `completed` (it had ended before the cancel), `requested`, or why the cancel failed. */
  outcome: string;
}

export interface WorkflowRunResult {
  runId: number;
  url: string;
  conclusion: string;
  /** Name of the first failed job and step, when the run failed. */
  failedJob?: string;
  failedStep?: string;
  /** Other runs of the same dispatch found while waiting (each cancelled); absent when none. */
  duplicates?: DuplicateRun[];
}

export interface CancelWorkflowRunInput {
  github: GitHubRepoRef;
  runId: number;
  /**
   * How long to watch the run end after asking: half of it for a plain cancel, then a
   * force-cancel (an `if: always()` job ignores a plain one) for the rest. @default 20_000
   */
  confirmWithinMs?: number;
  /** Poll interval while watching. @default 1_000 */
  pollIntervalMs?: number;
}

export interface CancelWorkflowRunResult {
  runId: number;
  url: string;
  /**
   * `cancelled`: the run ended cancelled; `completed`: it had already ended, or ended its own
   * way before the cancel took (see `conclusion`); `requested`: GitHub accepted the cancel but
   * the run had not ended within `confirmWithinMs`.
   */
  outcome: 'cancelled' | 'completed' | 'requested';
  conclusion?: string;
  /** True when a force-cancel was sent. */
  forced: boolean;
}

export interface WaitForPublicColorInput {
  url: string;
  color: Color;
  timeoutMs: number;
  intervalMs?: number;
}

export interface WaitForPublicColorResult {
  ok: boolean;
  lastSeen?: string;
  elapsedMs: number;
}

/** One traffic step's check on the public endpoint: does `color` get about `percent` of the answers? */
export interface SamplePublicShareInput {
  url: string;
  color: Color;
  /** The step's weight: the share `color` should get (0..100). */
  percent: number;
  /** How far (percentage points) the sampled share may be from `percent`. */
  tolerance: number;
  /** Requests per sample. */
  samples: number;
  /** How long to keep sampling until a sample is within the tolerance (the provider may lag). */
  timeoutMs: number;
  intervalMs?: number;
}

export interface SamplePublicShareResult {
  ok: boolean;
  /** `color`'s share of the last sample's answers (percent, rounded), absent when none answered a color. */
  share?: number;
  /** The last sample's answers per color and failed requests. */
  counts: { blue: number; green: number; failed: number };
  samplesTaken: number;
  lastFailure?: string;
}

export interface SyncBranchInput {
  github: GitHubRepoRef;
  /** The branch to bring level (the old color's). */
  base: string;
  /** The branch that is now live. */
  head: string;
  commitMessage: string;
}

export interface SyncBranchResult {
  /** 'merged', or 'up-to-date' when there was nothing to merge. */
  result: 'merged' | 'up-to-date';
  sha?: string;
}

export interface CreateGitHubDeploymentInput {
  github: GitHubRepoRef;
  ref: string;
  environment: string;
  description: string;
  /** Stored in the deployment's payload so a retry finds the same one. */
  correlationId: string;
}

export interface SetGitHubDeploymentStatusInput {
  github: GitHubRepoRef;
  deploymentId: number;
  state: 'in_progress' | 'success' | 'failure' | 'inactive' | 'error';
  description: string;
  environmentUrl?: string;
  logUrl?: string;
}

/**
 * The core's activities; with the plug-ins' they are what the worker registers
 * (workflows/activity-types.ts BlueGreenActivities, worker/activities.ts).
 */
export interface CoreActivities {
  /** The plan against the worker's policy: broken rules and the effective approval. */
  checkPlanPolicy(plan: DeploymentPlan): Promise<PlanPolicyVerdict>;
  /** The plan phase in one round trip: checkPlanPolicy, then readActiveColor and both branch heads. */
  readPlan(input: ReadPlanInput): Promise<PlanReads>;
  readActiveColor(input: ReadActiveColorInput): Promise<Color>;
  readBranchHead(input: ReadBranchHeadInput): Promise<string>;
  dispatchWorkflow(input: DispatchWorkflowInput): Promise<WorkflowRunRef>;
  /** The run of a dispatch whose activity was cancelled mid-way (an abort), if it was sent. */
  findDispatchedRun(input: FindDispatchedRunInput): Promise<{ runId?: number }>;
  waitForWorkflowRun(input: WaitForRunInput): Promise<WorkflowRunResult>;
  cancelWorkflowRun(input: CancelWorkflowRunInput): Promise<CancelWorkflowRunResult>;
  waitForPublicColor(input: WaitForPublicColorInput): Promise<WaitForPublicColorResult>;
  /** A traffic step's share on the public endpoint, sampled until within the tolerance or the timeout. */
  samplePublicShare(input: SamplePublicShareInput): Promise<SamplePublicShareResult>;
  syncBranch(input: SyncBranchInput): Promise<SyncBranchResult>;
  createGitHubDeployment(input: CreateGitHubDeploymentInput): Promise<number>;
  setGitHubDeploymentStatus(input: SetGitHubDeploymentStatusInput): Promise<void>;
  /** The worker policy's switch windows and freezes for a service. */
  readSwitchSchedule(input: SwitchScheduleInput): Promise<SwitchSchedule>;
}
