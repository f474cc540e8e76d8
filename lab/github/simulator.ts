// The GitHub Actions REST simulator: its server plus the controls and inspection tests use.
import type { ListeningServer } from '../http.js';
import { listen, sleep } from '../http.js';
import type {
  Color,
  Counters,
  DispatchRecord,
  FaultSpec,
  RequestRecord,
  RunConclusion,
  RunDetailsRefusal,
  RunSummary,
  WebhookDelivery,
  WebhookTarget,
  WorkflowBehavior,
  WorkflowDefinition,
} from '../types.js';
import { otherActor } from './actors.js';
import { Authenticator, type AppAuthConfig } from './auth.js';
import type { DeploymentRecord } from './deployments.js';
import { isoSeconds, RepoModel } from './repo-model.js';
import { addActionsRoutes } from './routes-actions.js';
import { addAppRoutes } from './routes-apps.js';
import { addDeploymentRoutes } from './routes-deployments.js';
import { addEnvironmentRoutes } from './routes-environments.js';
import { ReviewControls } from './review-controls.js';
import { ReviewGate } from './review-gate.js';
import { addRepoRoutes } from './routes-repos.js';
import { addUserRoutes } from './routes-user.js';
import { RouteTable } from './route-table.js';
import { RunStore, type Run } from './runs.js';
import type { RateLimitSettings } from './rate-limit.js';
import { seededWorkflows, seedRepo } from './seed.js';
import { createGitHubHandler, type ControlHandler } from './server.js';
import { runHtmlUrl } from './shapes.js';
import { GitHubState, type LabEffects } from './state.js';
import { WebhookSender, workflowRunPayload } from './webhook.js';

export interface GitHubSimulatorOptions {
  owner: string;
  repo: string;
  tokens: readonly string[];
  appAuth?: AppAuthConfig;
  branches: Record<Color, string>;
  runTiming: { queuedMs: number; inProgressMs: number };
  returnRunDetails: boolean | RunDetailsRefusal;
  /** New runs appear in the runs lists this long after their dispatch. @default 0 */
  listLagMs?: number;
  webhook?: WebhookTarget;
  /** How long a job waits for a review before GitHub fails it. @default 30 days */
  reviewTimeoutMs?: number;
}

export class GitHubSimulator {
  /** The commit both apps serve when the lab starts. */
  readonly initialSha: string;
  private readonly state: GitHubState;
  private listening?: ListeningServer;
  private readonly webhook: WebhookSender;
  private readonly completionListeners = new Set<(run: RunSummary) => void>();
  private readonly gate: ReviewGate;
  /** People, environments with required reviewers, and reviews (lab/github/review-controls.ts). */
  readonly reviews: ReviewControls;

  constructor(options: GitHubSimulatorOptions, effects: LabEffects) {
    this.webhook = new WebhookSender(options.webhook);
    const repo = new RepoModel(options.owner, options.repo, options.branches.blue);
    const auth = new Authenticator(options.tokens, options.appAuth, (token) => this.state.people.byToken(token)?.login);
    this.state = new GitHubState(repo, auth, {
      returnRunDetails: options.returnRunDetails,
      listLagMs: options.listLagMs ?? 0,
    });
    this.initialSha = seedRepo(repo, options.branches).initial;
    for (const def of seededWorkflows()) this.state.workflows.add(def, repo.createdAt);
    this.state.runs = new RunStore(
      () => options.runTiming,
      (run) => this.applyCompletion(run, effects),
      (run) => this.gate.onStart(run),
    );
    const reviewTimeoutMs = options.reviewTimeoutMs;
    this.gate = new ReviewGate(this.state, this.webhook, reviewTimeoutMs === undefined ? undefined : () => reviewTimeoutMs);
    this.reviews = new ReviewControls(this.state, this.gate, (def) => this.addWorkflow(def));
  }

  async start(control: ControlHandler, port = 0): Promise<void> {
    const table = new RouteTable();
    addRepoRoutes(table, this.state);
    addActionsRoutes(table, this.state);
    addDeploymentRoutes(table, this.state);
    addAppRoutes(table, this.state);
    addEnvironmentRoutes(table, this.state, this.gate);
    addUserRoutes(table, this.state);
    this.listening = await listen(createGitHubHandler(this.state, table, control), port);
    this.state.shapes = {
      apiUrl: this.listening.url,
      webUrl: this.listening.url,
      repo: this.state.repo,
      people: this.state.people,
    };
  }

  async close(): Promise<void> {
    this.state.runs.dispose();
    this.gate.dispose();
    await this.webhook.settle();
    await this.listening?.close();
  }

  get url(): string {
    if (!this.listening) throw new Error('the GitHub simulator is not started');
    return this.listening.url;
  }

  // ── controls ──────────────────────────────────────────────────────────────

  /** The text of `.github/workflows/<file>` on one branch (null: no such file there, undefined: as registered), e.g. a workflow without workflow_dispatch. */
  setWorkflowFileOn(branch: string, file: string, text: string | null | undefined): void {
    this.state.workflowFiles.set(branch, file, text);
  }

  /** No workflow file on this branch (a repository that has none yet), until a test puts one there. */
  removeWorkflowFilesOn(branch: string): void {
    for (const workflow of this.state.workflows.list()) this.state.workflowFiles.set(branch, workflow.file, null);
  }

  /** Adds (or replaces) a workflow, e.g. a preSwitch migration hook. */
  addWorkflow(def: WorkflowDefinition): void {
    this.state.workflows.add(def, isoSeconds());
  }

  setWorkflowBehavior(workflowFile: string, behavior: WorkflowBehavior): void {
    this.state.workflows.setBehavior(workflowFile, behavior);
  }

  /** The next run of this workflow fails at job/step (defaults: last job, its main step). */
  failNextRun(workflowFile: string, failure: { job?: string; step?: string; conclusion?: RunConclusion } = {}): void {
    this.state.workflows.failNextRun(workflowFile, failure);
  }

  /** New runs appear in the runs lists only `ms` after their dispatch (0: at once). */
  setListLag(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('the list lag must be a non-negative number of ms');
    this.state.options.listLagMs = ms;
  }

  injectFault(fault: FaultSpec): number {
    return this.state.faults.add(fault);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  pendingFaults(): ReturnType<GitHubState['faults']['pending']> {
    return this.state.faults.pending();
  }

  /**
   * A dispatch by someone else with Actions write (not through the API, so no request is
   * logged): a run of `workflow` on `ref` with these inputs, at `sha` (default: the ref's head).
   * Returns the run's id.
   */
  dispatchAs(actor: string, dispatch: { workflow: string; ref: string; inputs: Record<string, string>; sha?: string }): number {
    const workflow = this.state.workflows.get(dispatch.workflow);
    const branch = this.state.repo.resolveBranch(dispatch.ref);
    if (!branch) throw new Error(`unknown ref ${dispatch.ref}`);
    const sha = dispatch.sha ?? this.state.repo.head(branch)!;
    const run = { workflow, ref: dispatch.ref, branch, sha, inputs: { ...dispatch.inputs }, actor: otherActor(actor) };
    return this.state.dispatch(run, false).id;
  }

  /** A new commit on the branch; returns its SHA. */
  pushCommit(branch: string, message: string): string {
    return this.state.repo.push(branch, message).sha;
  }

  createBranch(name: string, fromRef: string): string {
    const sha = this.state.repo.resolve(fromRef);
    if (!sha) throw new Error(`unknown ref ${fromRef}`);
    this.state.repo.setBranch(name, sha);
    return sha;
  }

  branchHead(branch: string): string | undefined {
    return this.state.repo.head(branch);
  }

  /** Content (tree) of a commit: equal for a merge commit and the head it merged. */
  treeOf(sha: string): string | undefined {
    return this.state.repo.commits.get(sha)?.tree;
  }

  /** Whether merges answer 409 Merge conflict. */
  setMergeConflict(conflict: boolean): void {
    this.state.mergeConflict = conflict;
  }

  setRateLimit(settings: RateLimitSettings): void {
    this.state.rateLimit.set(settings);
  }

  expireInstallationTokens(): void {
    this.state.auth.expireInstallationTokens();
  }

  /** Where `workflow_run` completed webhooks go from now on; undefined stops them. */
  setWebhook(target: WebhookTarget | undefined): void {
    this.webhook.set(target);
  }

  /** Resolves once the webhook POSTs under way have been answered (or timed out). */
  settleWebhooks(): Promise<void> {
    return this.webhook.settle();
  }

  /** Calls `listener` with each run as it completes; returns the unsubscribe function. */
  onRunCompleted(listener: (run: RunSummary) => void): () => void {
    this.completionListeners.add(listener);
    return () => this.completionListeners.delete(listener);
  }

  /** Empties the request log, the dispatch list and the counters. */
  clearLog(): void {
    this.state.clearLog();
  }

  // ── inspection ────────────────────────────────────────────────────────────

  get requests(): readonly RequestRecord[] {
    return this.state.requests;
  }

  get dispatches(): readonly DispatchRecord[] {
    return this.state.dispatches;
  }

  get counters(): Readonly<Counters> {
    return { ...this.state.counters };
  }

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.webhook.deliveries;
  }

  get installationTokensIssued(): number {
    return this.state.auth.issuedCount;
  }

  /** Newest first. */
  get runs(): RunSummary[] {
    return this.state.runs.list().map((run) => this.summarize(run));
  }

  run(id: number): RunSummary | undefined {
    const run = this.state.runs.get(id);
    return run && this.summarize(run);
  }

  /** Dispatches of a workflow, optionally only those whose deployment_id input is correlationId. */
  dispatchCount(workflowFile: string, correlationId?: string): number {
    return this.state.dispatches.filter(
      (d) => d.workflow === workflowFile && (correlationId === undefined || d.inputs['deployment_id'] === correlationId),
    ).length;
  }

  get deployments(): DeploymentRecord[] {
    return this.state.deployments.list();
  }

  /** Resolves with the run once it completes; rejects after timeoutMs. */
  async waitForRun(id: number, timeoutMs = 10_000): Promise<RunSummary> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = this.run(id);
      if (!run) throw new Error(`no run ${id}`);
      if (run.status === 'completed') return run;
      if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status} after ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  private applyCompletion(run: Run, effects: LabEffects): void {
    if (run.conclusion === 'success') {
      const effect = run.workflow.effect;
      if (effect.type === 'deploy') effects.deploy(effect.color, run.headSha);
      if (effect.type === 'switch') {
        const color = run.inputs['color'];
        const weight = run.inputs['weight'] !== undefined ? Number(run.inputs['weight']) : undefined;
        if (color === 'blue' || color === 'green')
          effects.switchTo(color, `run ${run.id} (${run.workflow.file})`, effect.service, weight);
      }
    }
    const summary = this.summarize(run);
    for (const listener of [run.workflow.onComplete, ...this.completionListeners]) {
      try {
        listener?.(summary);
      } catch (err) {
        console.error(`lab: a completion listener of ${run.workflow.file} threw`, err);
      }
    }
    this.webhook.send('workflow_run', workflowRunPayload(this.state.shapes, run, 'completed'), run.id);
  }

  private summarize(run: Run): RunSummary {
    return {
      id: run.id,
      workflow: run.workflow.file,
      name: run.workflow.name,
      displayTitle: run.displayTitle,
      status: run.status,
      conclusion: run.conclusion,
      headBranch: run.headBranch,
      headSha: run.headSha,
      inputs: { ...run.inputs },
      createdAt: run.createdAt,
      createdAtMs: run.createdAtMs,
      ...(run.completedAtMs !== undefined ? { completedAtMs: run.completedAtMs } : {}),
      htmlUrl: runHtmlUrl(this.state.shapes, run.id),
      ...(run.failedJob ? { failedJob: run.failedJob } : {}),
      ...(run.failedStep ? { failedStep: run.failedStep } : {}),
      actor: run.actor.login,
      cancelRequests: run.cancelRequests.map((request) => ({ ...request })),
    };
  }
}
