// What every phase module is handed: the plan, the status tracker (every status change goes
// through it), what people decided so far, the colors and commit once the plan phase has read
// them, the runs the webhook receiver said are finished, and the GitHub Deployment records.
import type { GitHubRecords } from '../github-records.js';
import type { HumanInput } from '../human-input.js';
import type { Notifier } from '../notifier.js';
import type { StatusTracker } from '../status-tracker.js';
import type { Color, DeploymentPlan } from '../../contract/types.js';

export interface PhaseContext {
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
  /** The color live when the deployment started; set by the plan phase. */
  active: Color;
  /** The color being deployed; set by the plan phase. */
  target: Color;
  /** The commit being deployed (head of the target's branch); set by the plan phase. */
  sha: string;
}
