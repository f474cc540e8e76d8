// What every phase module is handed: the plan, the status tracker (every status change goes
// through it), what people decided so far, the runs the webhook receiver said are finished, the
// GitHub Deployment records, and what the plan phase found (the colors, the commit, the approval
// rules the worker's policy allows).
import type { GitHubRecords } from '../github-records.js';
import type { HumanInput } from '../human-input.js';
import type { Notifier } from '../notifier.js';
import type { StatusTracker } from '../status-tracker.js';
import type { TrainLink } from '../train-link.js';
import type { ApprovalPlan, Color, DeploymentPlan } from '../../contract/types.js';

/** What the sequence has before the plan phase runs (the plan phase is handed this). */
export interface DeploymentSetup {
  readonly plan: DeploymentPlan;
  readonly tracker: StatusTracker;
  readonly human: HumanInput;
  /** Runs a `runCompleted` signal reported finished (bounded by the signal handler). */
  readonly completedRuns: ReadonlySet<number>;
  readonly records: GitHubRecords;
  /** What stopping left behind, for the final message (e.g. "deploy-green.yml run 7 cancelled on GitHub"). */
  readonly stopNotes: string[];
  /** Notifications at the decision points (background sends; no-op without `plan.notify`). */
  readonly notifier: Notifier;
  /** A release train's service: the orders of its train and the reports to it. */
  readonly train?: TrainLink;
}

/** What the plan phase found. */
export interface PlanFound {
  /** The color live when the deployment started. */
  readonly active: Color;
  /** The color being deployed. */
  readonly target: Color;
  /** The commit being deployed (head of the target's branch, or the reverted-to SHA). */
  readonly sha: string;
  /** The approval rules: the worker's policy, tightened by the plan. */
  readonly approval: ApprovalPlan;
}

export interface PhaseContext extends DeploymentSetup {
  readonly active: Color;
  readonly target: Color;
  readonly sha: string;
}

/** Every phase after plan runs with this: the setup, its plan carrying the approval rules found. */
export const phaseContext = (setup: DeploymentSetup, found: PlanFound): PhaseContext => ({
  ...setup,
  plan: { ...setup.plan, approval: found.approval },
  active: found.active,
  target: found.target,
  sha: found.sha,
});
