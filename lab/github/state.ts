// Everything the simulator knows, in one place the route modules share.
import type { Color, Counters, DispatchRecord, RequestRecord, RunDetailsRefusal } from '../types.js';
import type { LabActor } from './actors.js';
import type { Authenticator } from './auth.js';
import { DeploymentStore } from './deployments.js';
import { EnvironmentStore } from './environments.js';
import { notFound } from './errors.js';
import { FaultInjector } from './faults.js';
import { RateLimiter } from './rate-limit.js';
import { People } from './people.js';
import type { RepoModel } from './repo-model.js';
import type { NewRun, Run, RunStore } from './runs.js';
import type { ShapeContext } from './shapes.js';
import { WorkflowRegistry } from './workflows.js';
import { WorkflowFiles } from './workflow-files.js';

/** What a completed run does outside the simulator (the apps and the router). */
export interface LabEffects {
  deploy(color: Color, sha: string): void;
  /** Moves the lab's router, or with `service` that service's route of the multi-service router. */
  /** `weight`: the share `color` gets (the switch workflow's optional input); absent: all of it. */
  switchTo(color: Color, source: string, service?: string, weight?: number): void;
}

export class GitHubState {
  readonly workflows = new WorkflowRegistry();
  /** Workflow file texts per branch, for the contents API. */
  readonly workflowFiles = new WorkflowFiles();
  readonly deployments = new DeploymentStore();
  readonly environments = new EnvironmentStore();
  readonly people: People;
  readonly faults = new FaultInjector();
  readonly rateLimit = new RateLimiter();
  readonly requests: RequestRecord[] = [];
  readonly dispatches: DispatchRecord[] = [];
  readonly counters: Counters = { requests: 0, rateLimited: 0, notModified: 0, unauthorized: 0, faults: 0, dispatches: 0 };
  /** Set by the server once it listens (URLs in answers depend on the port). */
  shapes!: ShapeContext;
  runs!: RunStore;
  mergeConflict = false;

  constructor(
    readonly repo: RepoModel,
    readonly auth: Authenticator,
    readonly options: { returnRunDetails: boolean | RunDetailsRefusal; listLagMs: number },
  ) {
    this.people = new People(repo.owner);
  }

  /** Creates the run of a dispatch and records the dispatch. */
  dispatch(run: NewRun & { ref: string; actor: LabActor }, returnRunDetails: boolean): Run {
    const created = this.runs.create(run);
    this.dispatches.push({
      workflow: run.workflow.file,
      ref: run.ref,
      inputs: run.inputs,
      at: new Date().toISOString(),
      runId: created.id,
      returnRunDetails,
      actor: run.actor.login,
    });
    this.counters.dispatches++;
    return created;
  }

  /** Throws GitHub's 404 unless the path names this lab's repository. */
  requireRepo(params: Record<string, string>): void {
    if (!this.repo.is(params['owner'] ?? '', params['repo'] ?? '')) throw notFound();
  }

  clearLog(): void {
    this.requests.length = 0;
    this.dispatches.length = 0;
    for (const key of Object.keys(this.counters) as Array<keyof Counters>) this.counters[key] = 0;
  }
}
