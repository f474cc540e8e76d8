// GitHub Deployment records: a record for humans (the repository's Environments page), never
// a gate. Created while the deploy run is dispatched, marked in progress while verify runs,
// and given the final state at the end. A failure to write one never stops a deployment, and
// a write still in flight holds the approval gate for one heartbeat timeout at most (a dead
// worker's write is retried after that; a slow GitHub's write carries on behind the gate).
import { condition, isCancellation, log } from '@temporalio/workflow';
import { gitHubCalls } from './activity-proxies.js';
import { describeFailure } from '../contract/failures.js';
import type { Color, DeploymentPlan, Outcome } from '../contract/types.js';

type RecordState = 'in_progress' | 'success' | 'failure' | 'inactive';

/** How a GitHub deployment state reads in an activity summary. */
const STATE_WORDS: Record<RecordState, string> = {
  in_progress: 'in progress',
  success: 'successful',
  failure: 'failed',
  inactive: 'inactive',
};

export class GitHubRecords {
  /** The record's id once created (undefined when it could not be). */
  private deployment: Promise<number | undefined> = Promise.resolve(undefined);
  /** The `in_progress` status, written while verify runs; the final status waits for it. */
  private inProgress: Promise<void> = Promise.resolve();
  private target: Color = 'green';

  constructor(private readonly plan: DeploymentPlan) {}

  /** Creates the record for `target` @ `sha`, off the critical path. */
  // async, as when some deployments awaited the record here: callers await it, and the same
  // microtask turns keep the order of commands of concurrent coroutines on replay.
  async create(active: Color, target: Color, sha: string): Promise<void> {
    this.target = target;
    this.deployment = this.createRecord(active, sha).catch(() => undefined);
  }

  /** The deploy run succeeded: the record says so while verify runs. */
  async markInProgress(description: string): Promise<void> {
    this.inProgress = this.setStatus('in_progress', description);
  }

  /**
   * Resolves once nothing of ours is in flight (before a human gate), or after the plan's
   * heartbeat timeout plus 5 s, whichever comes first: the final status waits for the write
   * anyway, so the gate need not.
   */
  async settled(): Promise<void> {
    let done = false;
    void this.inProgress.then(() => (done = true));
    await condition(() => done, (this.plan.timeouts?.heartbeatMs ?? 20_000) + 5_000);
  }

  /** The final state of the record for the deployment's outcome. */
  async finish(outcome: Outcome, description: string): Promise<void> {
    const state = outcome === 'SUCCEEDED' ? 'success' : outcome === 'ABORTED' ? 'inactive' : 'failure';
    await this.inProgress;
    await this.setStatus(state, description);
  }

  private async createRecord(active: Color, sha: string): Promise<number | undefined> {
    const { plan, target } = this;
    try {
      return await gitHubCalls(plan).createGitHubDeployment.executeWithOptions(
        { summary: `record GitHub deployment to ${target}` },
        [
          {
            github: plan.github,
            ref: sha,
            environment: target,
            description: `bluegreen ${plan.deploymentId}: ${active} → ${target}`,
            correlationId: plan.deploymentId,
          },
        ],
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('could not record the GitHub deployment', { error: describeFailure(err) });
      return undefined;
    }
  }

  private async setStatus(state: RecordState, description: string): Promise<void> {
    const deploymentId = await this.deployment;
    if (deploymentId === undefined) return;
    try {
      await gitHubCalls(this.plan).setGitHubDeploymentStatus.executeWithOptions(
        { summary: `mark the GitHub deployment to ${this.target} ${STATE_WORDS[state]}` },
        [
          {
            github: this.plan.github,
            deploymentId,
            state,
            description: description.slice(0, 140),
            environmentUrl: this.plan.environments[this.target].url,
          },
        ],
      );
    } catch (err) {
      log.warn('could not update the GitHub deployment status', { error: describeFailure(err) });
    }
  }
}
