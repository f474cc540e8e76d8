// Jobs that reference an environment with required reviewers wait (run and job status
// `waiting`) until a reviewer decides, as on GitHub:
//   - any one listed reviewer (a user, or a member of a listed team) releases the job;
//   - "prevent self-review" refuses the user who triggered the run;
//   - a rejection fails the run; no decision within the review timeout (GitHub: 30 days)
//     fails it too; a cancelled run stays cancelled;
//   - a repository admin may bypass the rules when the environment allows it (GitHub's
//     "Start all waiting jobs"): the job runs and no review is logged.
// GitHub documents only the 200 answer of `POST …/pending_deployments`; the lab refuses with
// 422 and a sentence (the wording is the lab's), or 404 for a user who cannot see the repository.
import type { DeploymentRecord } from './deployments.js';
import type { EnvironmentRecord, ReviewState, RunReview } from './environments.js';
import { GitHubError } from './errors.js';
import type { Run } from './runs.js';
import { deploymentReviewPayload, workflowJobPayload } from './shapes-reviews.js';
import type { GitHubState } from './state.js';
import type { WebhookSender } from './webhook.js';

const REVIEW_DOCS = 'https://docs.github.com/rest/actions/workflow-runs#review-pending-deployments-for-a-workflow-run';
/** GitHub fails a job that waited this long for a review. */
export const GITHUB_REVIEW_TIMEOUT_MS = 30 * 24 * 60 * 60 * 1000;
/** setTimeout's limit; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ReviewGate {
  /** The GitHub deployment each held job created, by run id and environment id. */
  private readonly heldDeployments = new Map<number, Map<number, DeploymentRecord>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: GitHubState,
    private readonly webhook: WebhookSender,
    private readonly reviewTimeoutMs: () => number = () => GITHUB_REVIEW_TIMEOUT_MS,
  ) {}

  /** RunStore's start hook: holds a run whose jobs reference an environment with reviewers. */
  readonly onStart = (run: Run): 'hold' | undefined => {
    const envs = this.environmentsOf(run);
    if (envs.length === 0) return undefined;
    const created = new Map<number, DeploymentRecord>();
    for (const env of envs) {
      created.set(
        env.id,
        this.state.deployments.create({ sha: run.headSha, ref: run.headBranch, environment: env.name, creator: run.actor.login }),
      );
    }
    this.heldDeployments.set(run.id, created);
    this.expireAfter(run, this.reviewTimeoutMs());
    // The store marks the run waiting once this returns; the events describe that state.
    queueMicrotask(() => {
      for (const env of envs) {
        const job = this.jobOf(run, env);
        if (!job) continue;
        this.webhook.send('workflow_job', workflowJobPayload(this.state.shapes, run, job), run.id);
        this.webhook.send(
          'deployment_review',
          deploymentReviewPayload(this.state.shapes, this.state.people, run, job, env),
          run.id,
        );
      }
    });
    return 'hold';
  };

  /** Environments the run still waits on (held jobs not yet approved). */
  pending(run: Run): EnvironmentRecord[] {
    if (run.status !== 'waiting') return [];
    const approved = new Set(
      this.state.environments
        .reviewsOf(run.id)
        .filter((r) => r.state === 'approved')
        .map((r) => r.environmentId),
    );
    return this.environmentsOf(run).filter((env) => !approved.has(env.id));
  }

  /** Why `login` may not review `env` for this run; undefined when they may. */
  refusal(run: Run, env: EnvironmentRecord, login: string | undefined): string | undefined {
    const people = this.state.people;
    const reviewer =
      login !== undefined &&
      people.get(login) !== undefined &&
      env.reviewers.some((r) => {
        if (r.type === 'User') return r.login.toLowerCase() === login.toLowerCase();
        const team = people.team(r.org, r.slug);
        return team !== undefined && people.isMember(team, login);
      });
    if (!reviewer) return `${login ?? 'this caller'} is not a required reviewer of the environment '${env.name}'`;
    if (env.preventSelfReview && login!.toLowerCase() === run.actor.login.toLowerCase()) {
      return `'${env.name}' prevents self-review: ${login} triggered this workflow run and cannot review its deployment`;
    }
    return undefined;
  }

  /** `POST …/pending_deployments`: records the review, releases or fails the run. */
  review(run: Run, login: string | undefined, environmentIds: number[], state: ReviewState, comment: string): DeploymentRecord[] {
    const pending = this.pending(run);
    if (pending.length === 0) throw new GitHubError(422, 'There are no pending deployments for this workflow run', REVIEW_DOCS);
    const targets = environmentIds.map((id) => {
      const env = pending.find((e) => e.id === id);
      if (!env) throw new GitHubError(422, `Environment ${id} is not waiting for a review in this workflow run`, REVIEW_DOCS);
      return env;
    });
    for (const env of targets) {
      const refused = this.refusal(run, env, login);
      if (refused) throw new GitHubError(422, refused, REVIEW_DOCS);
    }
    const deployments: DeploymentRecord[] = [];
    for (const env of targets) {
      const review = this.state.environments.addReview(run.id, { environmentId: env.id, state, login: login!, comment });
      const deployment = this.heldDeployments.get(run.id)?.get(env.id);
      if (deployment) deployments.push(deployment);
      this.announce(run, env, review);
    }
    if (state === 'rejected') this.state.runs.finish(run, 'failure');
    else if (this.pending(run).length === 0) this.state.runs.release(run);
    return deployments;
  }

  /** GitHub's "Start all waiting jobs": an admin runs the held jobs, no review is logged. */
  bypass(run: Run, login: string): void {
    const user = this.state.people.get(login);
    if (user?.role !== 'admin') throw new Error(`${login} is not an administrator of the repository: cannot bypass`);
    const pending = this.pending(run);
    if (pending.length === 0) throw new Error(`run ${run.id} is not waiting for a review`);
    const locked = pending.find((env) => !env.canAdminsBypass);
    if (locked) throw new Error(`the environment '${locked.name}' does not let administrators bypass its protection rules`);
    this.state.runs.release(run);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private environmentsOf(run: Run): EnvironmentRecord[] {
    const seen = new Map<number, EnvironmentRecord>();
    for (const job of run.jobs) {
      const env = this.state.environments.needsReview(job.environment);
      if (env) seen.set(env.id, env);
    }
    return [...seen.values()];
  }

  private jobOf(run: Run, env: EnvironmentRecord) {
    return run.jobs.find((job) => job.environment?.toLowerCase() === env.name.toLowerCase());
  }

  private announce(run: Run, env: EnvironmentRecord, review: RunReview): void {
    const job = this.jobOf(run, env);
    if (!job) return;
    const payload = deploymentReviewPayload(this.state.shapes, this.state.people, run, job, env, review);
    this.webhook.send('deployment_review', payload, run.id);
  }

  /** No decision in time: GitHub fails the job (and so the run). */
  private expireAfter(run: Run, ms: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (ms > MAX_TIMER_MS) return this.expireAfter(run, ms - MAX_TIMER_MS);
        if (run.status === 'waiting') this.state.runs.finish(run, 'failure');
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    this.timers.add(timer);
  }
}
