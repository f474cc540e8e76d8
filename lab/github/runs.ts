// Workflow runs and their lifecycle, queued → in_progress → completed, driven by real timers
// so pollers see the states a real run goes through. A cancel is asynchronous, as on GitHub:
// the request is answered 202 and the run ends `cancelled` once its runners stop, or not at all
// while an `if: always()` job holds it (then only a force-cancel ends it).
import type { RunConclusion, RunStatus } from '../types.js';
import type { LabActor } from './actors.js';
import { isoSeconds } from './repo-model.js';
import { finishJobs, planRun, queuedJobs, startJobs, type JobState, type RunPlan } from './run-jobs.js';
import type { RegisteredWorkflow } from './workflows.js';

export interface Run {
  id: number;
  runNumber: number;
  checkSuiteId: number;
  workflow: RegisteredWorkflow;
  displayTitle: string;
  headBranch: string;
  headSha: string;
  inputs: Record<string, string>;
  event: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  createdAt: string;
  createdAtMs: number;
  /** When the run completed (ms since the epoch); what reaction times are measured from. */
  completedAtMs?: number;
  updatedAt: string;
  runStartedAt: string;
  jobs: JobState[];
  plan: RunPlan;
  failedJob?: string;
  failedStep?: string;
  actor: LabActor;
  cancelRequests: Array<{ atMs: number; force: boolean }>;
}

export interface NewRun {
  workflow: RegisteredWorkflow;
  branch: string;
  sha: string;
  inputs: Record<string, string>;
  actor: LabActor;
}

/**
 * What happens when a run leaves the queue: 'hold' keeps it `waiting` (a job's environment
 * needs a review) until `release` or `finish`; undefined starts it.
 */
export type RunStartHook = (run: Run) => 'hold' | undefined;

/** `run-name:` as GitHub renders it: each `${{ inputs.x }}` replaced by the input's value. */
export function renderRunName(template: string, inputs: Record<string, string>): string {
  return template.replace(/\$\{\{\s*inputs\.([A-Za-z_][\w-]*)\s*\}\}/g, (_, name: string) => inputs[name] ?? '');
}

export class RunStore {
  private readonly runs = new Map<number, Run>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextRunId = 9_100_000_000;
  private nextJobId = 27_000_000_000;
  private nextCheckSuiteId = 31_000_000_000;

  constructor(
    private readonly timing: () => { queuedMs: number; inProgressMs: number },
    private readonly onCompleted: (run: Run) => void,
    private readonly onStart?: RunStartHook,
  ) {}

  create({ workflow, branch, sha, inputs, actor }: NewRun): Run {
    const now = Date.now();
    const createdAt = isoSeconds(now);
    const deploymentId = inputs['deployment_id'];
    const run: Run = {
      id: this.nextRunId++,
      runNumber: ++workflow.runCount,
      checkSuiteId: this.nextCheckSuiteId++,
      workflow,
      // Like `run-name: <workflow name> · ${{ inputs.deployment_id }}`: how a retried dispatch
      // recognises its own run.
      displayTitle: workflow.runName
        ? renderRunName(workflow.runName, inputs)
        : deploymentId
          ? `${workflow.name} · ${deploymentId}`
          : workflow.name,
      headBranch: branch,
      headSha: sha,
      inputs,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      createdAt,
      createdAtMs: now,
      updatedAt: createdAt,
      runStartedAt: createdAt,
      jobs: queuedJobs(workflow, createdAt, () => this.nextJobId++),
      plan: planRun(workflow, this.timing()),
      actor,
      cancelRequests: [],
    };
    this.runs.set(run.id, run);
    this.after(run.plan.queuedMs, () => this.start(run));
    return run;
  }

  get(id: number): Run | undefined {
    return this.runs.get(id);
  }

  /** Newest first, as GitHub lists them. */
  list(): Run[] {
    return [...this.runs.values()].sort((a, b) => b.id - a.id);
  }

  /**
   * Asks a run that has not completed to stop; false when it already had (GitHub's 409). The
   * run ends `cancelled` after the workflow's `cancelTakesMs` (at once by default); one that
   * ignores a plain cancel stops only on a forced one.
   */
  requestCancel(run: Run, force: boolean): boolean {
    if (run.status === 'completed') return false;
    run.cancelRequests.push({ atMs: Date.now(), force });
    if (run.plan.ignoresCancel && !force) return true;
    if (run.plan.cancelTakesMs > 0) this.after(run.plan.cancelTakesMs, () => this.complete(run, 'cancelled'));
    else this.complete(run, 'cancelled');
    return true;
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A held (`waiting`) run goes on: its jobs start now. */
  release(run: Run): void {
    if (run.status !== 'waiting') return;
    run.status = 'queued';
    for (const job of run.jobs) if (job.status === 'waiting') job.status = 'queued';
    this.start(run, false);
  }

  /** Ends a run that has not completed (a rejected or expired review) with `conclusion`. */
  finish(run: Run, conclusion: RunConclusion): void {
    this.complete(run, conclusion);
  }

  private start(run: Run, mayHold = true): void {
    if (run.status !== 'queued') return;
    if (mayHold && this.onStart?.(run) === 'hold') {
      run.status = 'waiting';
      run.updatedAt = isoSeconds();
      for (const job of run.jobs) if (job.status === 'queued') job.status = 'waiting';
      return;
    }
    const at = isoSeconds();
    run.status = 'in_progress';
    run.runStartedAt = at;
    run.updatedAt = at;
    startJobs(run.jobs, at);
    if (!run.plan.neverComplete) this.after(run.plan.inProgressMs, () => this.complete(run, run.plan.conclusion));
  }

  private complete(run: Run, conclusion: RunConclusion): void {
    if (run.status === 'completed') return;
    // A job that never left `waiting` (rejected, expired, cancelled) ran no step.
    const held = new Set(run.jobs.filter((job) => job.status === 'waiting').map((job) => job.id));
    if (held.size > 0) run.plan = { ...run.plan, failJob: run.jobs.find((job) => held.has(job.id))!.name };
    const at = isoSeconds();
    run.status = 'completed';
    run.conclusion = conclusion;
    run.completedAtMs = Date.now();
    run.updatedAt = at;
    Object.assign(run, finishJobs(run.jobs, conclusion, run.plan.failJob, run.plan.failStep, at));
    if (held.size > 0) {
      for (const job of run.jobs) if (held.has(job.id)) job.steps = [];
      delete run.failedStep;
    }
    this.onCompleted(run);
  }

  private after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }
}
