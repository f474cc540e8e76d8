// Registered GitHub Actions workflows, their dispatch inputs, and how their runs behave.
import { unprocessable } from './errors.js';
import type { JobSpec, RunConclusion, WorkflowBehavior, WorkflowDefinition, WorkflowEffect } from '../types.js';
import type { RunSummary } from '../types.js';

export interface RegisteredWorkflow {
  id: number;
  file: string;
  name: string;
  inputs: WorkflowDefinition['inputs'];
  jobs: JobSpec[];
  runName?: string;
  effect: WorkflowEffect;
  onComplete?: (run: RunSummary) => void;
  behavior: WorkflowBehavior;
  /** One-shot failures consumed by the next runs, oldest first. */
  failNext: Array<{ job?: string; step?: string; conclusion?: RunConclusion }>;
  createdAt: string;
  runCount: number;
}

const DISPATCH_DOCS = 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event';
const DEFAULT_JOBS: JobSpec[] = [{ name: 'run', steps: ['Set up job', 'Run', 'Complete job'] }];

export class WorkflowRegistry {
  private readonly byFile = new Map<string, RegisteredWorkflow>();
  private nextId = 61_000_000;

  add(def: WorkflowDefinition, createdAt: string): RegisteredWorkflow {
    if (!/^[\w.-]+\.ya?ml$/.test(def.file)) throw new Error(`workflow file must be a .yml/.yaml file name: ${def.file}`);
    const jobs = def.jobs && def.jobs.length > 0 ? def.jobs : DEFAULT_JOBS;
    const workflow: RegisteredWorkflow = {
      id: this.byFile.get(def.file)?.id ?? this.nextId++,
      file: def.file,
      name: def.name ?? def.file,
      inputs: def.inputs,
      jobs: jobs.map((job) => ({
        name: job.name,
        steps: [...job.steps],
        ...(job.environment ? { environment: job.environment } : {}),
      })),
      ...(def.runName ? { runName: def.runName } : {}),
      effect: def.effect ?? { type: 'none' },
      behavior: {},
      failNext: [],
      createdAt,
      runCount: 0,
      ...(def.onComplete ? { onComplete: def.onComplete } : {}),
    };
    this.byFile.set(def.file, workflow);
    return workflow;
  }

  /** By file name or numeric id, as GitHub accepts either for `workflow_id`. */
  find(idOrFile: string | number): RegisteredWorkflow | undefined {
    const key = String(idOrFile);
    return this.byFile.get(key) ?? [...this.byFile.values()].find((wf) => String(wf.id) === key);
  }

  get(file: string): RegisteredWorkflow {
    const workflow = this.find(file);
    if (!workflow) throw new Error(`no workflow ${file} in the lab`);
    return workflow;
  }

  list(): RegisteredWorkflow[] {
    return [...this.byFile.values()].sort((a, b) => a.id - b.id);
  }

  setBehavior(file: string, behavior: WorkflowBehavior): void {
    const workflow = this.get(file);
    checkJobStep(workflow, behavior.failJob, behavior.failStep);
    workflow.behavior = { ...behavior };
  }

  failNextRun(file: string, failure: { job?: string; step?: string; conclusion?: RunConclusion }): void {
    const workflow = this.get(file);
    checkJobStep(workflow, failure.job, failure.step);
    workflow.failNext.push({ ...failure });
  }
}

function checkJobStep(workflow: RegisteredWorkflow, job?: string, step?: string): void {
  const jobSpec = job === undefined ? workflow.jobs.at(-1)! : workflow.jobs.find((j) => j.name === job);
  if (!jobSpec) throw new Error(`${workflow.file} has no job '${job}' (jobs: ${workflow.jobs.map((j) => j.name).join(', ')})`);
  if (step !== undefined && !jobSpec.steps.includes(step)) {
    throw new Error(`job '${jobSpec.name}' of ${workflow.file} has no step '${step}' (steps: ${jobSpec.steps.join(', ')})`);
  }
}

/**
 * Checks dispatch inputs the way GitHub does and returns them as the run sees them
 * (strings, declared defaults filled in). Messages are GitHub's.
 */
export function validateDispatchInputs(workflow: RegisteredWorkflow, raw: unknown): Record<string, string> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw unprocessable(
      "Invalid request.\n\nFor 'properties/inputs', " + JSON.stringify(raw) + ' is not an object.',
      DISPATCH_DOCS,
    );
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  if (Object.keys(given).length > 25)
    throw unprocessable('inputs are too large: no more than 25 properties are allowed', DISPATCH_DOCS);
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value === 'object' && value !== null) {
      throw unprocessable(`Invalid value for input '${name}': objects and arrays are not supported`, DISPATCH_DOCS);
    }
    inputs[name] = String(value);
  }
  const declared = workflow.inputs;
  if (!declared) return inputs;
  const unexpected = Object.keys(inputs).filter((name) => !(name in declared));
  if (unexpected.length > 0) throw unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`, DISPATCH_DOCS);
  for (const [name, spec] of Object.entries(declared)) {
    if (inputs[name] === undefined && spec.default !== undefined) inputs[name] = spec.default;
    if (inputs[name] === undefined || (spec.required && inputs[name] === '')) {
      if (spec.required) throw unprocessable(`Required input '${name}' not provided`, DISPATCH_DOCS);
      continue;
    }
    if (spec.type === 'choice' && spec.options && !spec.options.includes(inputs[name]!)) {
      throw unprocessable(
        `Provided value '${inputs[name]}' for input '${name}' not in the list of allowed values`,
        DISPATCH_DOCS,
      );
    }
    if (spec.type === 'boolean' && !['true', 'false'].includes(inputs[name]!)) {
      throw unprocessable(`Provided value '${inputs[name]}' for input '${name}' is not a boolean`, DISPATCH_DOCS);
    }
  }
  return inputs;
}
