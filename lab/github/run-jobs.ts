// Jobs and steps of a run as they progress. A workflow's jobs run one after another (each
// `needs` the previous), so a failed job leaves the later ones skipped, as on GitHub.
import type { RunConclusion, RunStatus } from '../types.js';
import type { RegisteredWorkflow } from './workflows.js';

export interface StepState {
  name: string;
  number: number;
  status: RunStatus;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface JobState {
  id: number;
  name: string;
  environment?: string;
  status: RunStatus;
  conclusion: string | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  steps: StepState[];
}

export interface RunPlan {
  queuedMs: number;
  inProgressMs: number;
  conclusion: RunConclusion;
  failJob: string;
  failStep: string;
  neverComplete: boolean;
  cancelTakesMs: number;
  ignoresCancel: boolean;
}

/** Decides now how the run will end: the one-shot failNext first, then the behaviour. */
export function planRun(workflow: RegisteredWorkflow, timing: { queuedMs: number; inProgressMs: number }): RunPlan {
  const behavior = workflow.behavior;
  const once = workflow.failNext.shift();
  const failJob = once?.job ?? behavior.failJob ?? workflow.jobs.at(-1)!.name;
  const steps = workflow.jobs.find((job) => job.name === failJob)!.steps;
  const defaultStep = steps.length > 1 ? steps[steps.length - 2]! : steps[0]!;
  return {
    queuedMs: behavior.queuedMs ?? timing.queuedMs,
    inProgressMs: behavior.inProgressMs ?? timing.inProgressMs,
    conclusion: once ? (once.conclusion ?? 'failure') : (behavior.conclusion ?? 'success'),
    failJob,
    failStep: once?.step ?? behavior.failStep ?? defaultStep,
    neverComplete: once ? false : (behavior.neverComplete ?? false),
    cancelTakesMs: behavior.cancelTakesMs ?? 0,
    ignoresCancel: behavior.ignoresCancel ?? false,
  };
}

export function queuedJobs(workflow: RegisteredWorkflow, createdAt: string, nextId: () => number): JobState[] {
  return workflow.jobs.map((job) => ({
    id: nextId(),
    name: job.name,
    ...(job.environment ? { environment: job.environment } : {}),
    status: 'queued',
    conclusion: null,
    createdAt,
    startedAt: createdAt,
    completedAt: null,
    steps: job.steps.map((name, index) => ({
      name,
      number: index + 1,
      status: 'queued',
      conclusion: null,
      startedAt: null,
      completedAt: null,
    })),
  }));
}

export function startJobs(jobs: JobState[], at: string): void {
  const first = jobs[0];
  if (!first) return;
  first.status = 'in_progress';
  first.startedAt = at;
  const step = first.steps[0];
  if (step) Object.assign(step, { status: 'in_progress', startedAt: at });
}

/** Completes every job per the plan; returns the failing job and step, if any. */
export function finishJobs(
  jobs: JobState[],
  conclusion: RunConclusion,
  failJob: string,
  failStep: string,
  at: string,
): { failedJob?: string; failedStep?: string } {
  const failIndex =
    conclusion === 'success'
      ? -1
      : Math.max(
          0,
          jobs.findIndex((job) => job.name === failJob),
        );
  const stepConclusion = conclusion === 'cancelled' ? 'cancelled' : 'failure';
  jobs.forEach((job, index) => {
    if (job.status === 'queued') job.startedAt = at;
    job.status = 'completed';
    job.completedAt = at;
    if (failIndex === -1 || index < failIndex) {
      job.conclusion = 'success';
      for (const step of job.steps) completeStep(step, 'success', at);
    } else if (index === failIndex) {
      job.conclusion = conclusion;
      const failAt = Math.max(
        0,
        job.steps.findIndex((step) => step.name === failStep),
      );
      job.steps.forEach((step, stepIndex) => {
        // "Complete job" always runs, even after a failed step.
        const result =
          stepIndex < failAt || step.name === 'Complete job' ? 'success' : stepIndex === failAt ? stepConclusion : 'skipped';
        completeStep(step, result, at);
      });
    } else {
      job.conclusion = 'skipped';
      job.steps = [];
    }
  });
  if (failIndex === -1) return {};
  const job = jobs[failIndex]!;
  return { failedJob: job.name, failedStep: job.steps.find((step) => step.conclusion === stepConclusion)?.name ?? failStep };
}

function completeStep(step: StepState, conclusion: string, at: string): void {
  step.status = 'completed';
  step.conclusion = conclusion;
  step.startedAt ??= at;
  step.completedAt = at;
}
