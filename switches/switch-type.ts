// What a traffic switch type is: one manifest per type (switches/<type>/index.ts, listed once in
// switches/registry.ts) naming its three parts, which run in three places. Its workflow step
// (switches/<type>/step.ts) is imported: the manifest is loaded in the workflow sandbox. Its client
// part (switches/<type>/client.ts: config schema, plan mapping, dry-run text; zod) and its
// activities (switches/<type>/activities.ts: Node) are behind `import(/* webpackIgnore: true */ …)`,
// which the workflow bundler leaves as a native dynamic import without following it, so neither
// zod nor Node code reaches the bundle; the CLI (switches/client.ts) and the worker
// (switches/activities.ts) load them. Type-only imports here.
import type { z } from 'zod';
import type { GitHubRunRequest } from '../contract/github-run-request.js';
import type { Color, DeploymentPlan, DnsStatus, PhaseName, PhaseStatus } from '../contract/types.js';
import type { SwitchCredentialOptions } from './credentials.js';
import type { PolicyPart } from '../contract/plugin.js';

/** What every switch plan carries: its type and how long the public endpoint may take to follow. */
export interface SwitchPlanBase {
  type: string;
  verifyTimeoutMs: number;
}

/** What a switch step tells the checks after it. */
export interface SwitchStepResult {
  /** TTL (s) of the DNS answer the switch replaced: how long resolvers may keep the old one. */
  replacedTtlSeconds?: number;
  /** DNS-based weighted switches: the records' TTL (s) whether or not this call wrote (a retry finds them set). */
  recordTtlSeconds?: number;
}

/**
 * What a step may use of its phase: the plan, and the phase's status line and DNS state, which
 * the workflow's status tracker keeps (workflows/phases/context.ts PhaseContext gives both).
 */
export interface SwitchStepContext {
  plan: DeploymentPlan;
  tracker: {
    update(name: PhaseName, fields: Partial<Pick<PhaseStatus, 'detail' | 'url'>>): void;
    setDns(dns: DnsStatus): void;
  };
}

/**
 * Moves `percent` of the traffic to `color` (100: all of it; less only for a plan with
 * `steps`, on a type that can split traffic). Workflow code: deterministic, the world only
 * through activities. Any failure is a DeploymentStop: the switch phase then reads where traffic
 * is and decides.
 */
export type SwitchStep<P extends SwitchPlanBase> = (
  ctx: SwitchStepContext,
  phase: 'switch' | 'rollback',
  plan: P,
  color: Color,
  tools: SwitchStepTools,
  percent: number,
) => Promise<SwitchStepResult>;

/**
 * What the switch phase hands a step besides its context: the workflow's own machinery, so a
 * step (a plug-in) imports no value from workflows/ (its activities it proxies itself).
 */
export interface SwitchStepTools {
  /** Dispatches a GitHub Actions run for this phase and waits for it (workflows/github-run.ts). */
  runGitHubWorkflow: (request: GitHubRunRequest) => Promise<unknown>;
}

/** The client side of a switch type: its `switch:` config section, plan mapping and dry-run text. */
export interface SwitchClient<P extends SwitchPlanBase = SwitchPlanBase, S extends z.ZodType = z.ZodType> {
  /** For the `switch` config error: `type "http" (with url)`. */
  summary: string;
  /** The `switch:` config section of this type (a strict object with a `type` literal). */
  schema: S;
  /** The plan the workflow gets; `defaultRef` is the branch workflows run on by default. */
  toPlan: (config: z.output<S>, defaults: { defaultRef: string }) => P;
  /** The dry-run line, e.g. `POST https://router/switch`. */
  describe: (plan: P, deployment: DeploymentPlan) => string;
  /** Config rules across sections (e.g. the dns switch needs the dns section). */
  configProblems?: (config: { dns?: unknown }) => { path: string; message: string }[];
  /** The GitHub Actions workflow a switch of this type dispatches, which `bluegreen doctor` reads on GitHub; absent: none. */
  dispatches?: (plan: P) => SwitchDispatch | undefined;
  /** How `bluegreen init` writes a switch of this type; absent: init does not offer the type. */
  init?: SwitchInit<z.input<S>>;
}

/**
 * A switch type in `bluegreen init`: its words in `--switch`'s help, its own flags (asked on a
 * terminal when they have a question), the workflow it dispatches (which init finds on its branch
 * or writes a template of), its `switch:` section and what it adds to the worker policy.
 */
export interface SwitchInit<C = unknown> {
  /** In `--switch`'s help: `http (an app router)`. */
  label: string;
  /** Its flags, in the order of `bluegreen init --help`; those with a question are asked in this order. */
  flags: readonly SwitchInitFlag[];
  /** The workflow it dispatches: the flags that name its branch and its file. */
  dispatches?: { ref: string; file: string };
  /** Its `switch:` section of bluegreen.yaml, from its flags' answers and the workflow file init chose. */
  config: (answers: SwitchInitAnswers, chosen: { workflow?: string }) => C;
  /** What it adds to bluegreen-worker.yaml; absent: nothing. */
  policy?: (answers: SwitchInitAnswers) => SwitchInitPolicy;
}

/** One flag of a switch type's init part. */
export interface SwitchInitFlag {
  /** As commander takes it: `--router-url <url>`. */
  flags: string;
  /** Its line in `bluegreen init --help`. */
  description: string;
  /** Asked on a terminal when the flag is not given; absent: only a flag (init finds the value itself). */
  question?: string;
  /** The answer when none is given: `blue-branch`, the blue color's branch. */
  fallback?: 'blue-branch';
  /** The cleaned value, or it throws the sentence saying what is wrong. */
  check: (value: string) => string;
}

/** A switch type's answers in init, by long flag (`--router-url`); a flag not asked or not given is absent. */
export type SwitchInitAnswers = Readonly<Record<string, string | undefined>>;

/** A switch type's part of the worker policy init writes. */
export interface SwitchInitPolicy {
  /** Top-level sections it adds (e.g. `routers`). */
  sections: Record<string, unknown>;
  /** Lines for the file's header comment, e.g. where a token goes. */
  notes: string[];
  /** The variables its sections name, with stand-in values: init checks the file with them. */
  env: Record<string, string>;
}

/** A workflow a switch dispatches: its file, the branch it runs on, the inputs it is sent (and, with switch.steps, the weights). */
export interface SwitchDispatch {
  workflow: string;
  ref: string;
  sends: readonly string[];
  steps?: readonly number[];
}

/**
 * Builds a switch type's activities in the worker: the credentials every type gets (policy,
 * secrets) plus its own options (`SwitchTypeOptions`). Inputs and results are plain data.
 */
export type SwitchActivityFactory = (options: SwitchCredentialOptions) => Record<string, (...args: any[]) => Promise<unknown>>;

/** A switch type: its step, and where its client part and activities are loaded from. */
export interface TrafficSwitch<
  P extends SwitchPlanBase = SwitchPlanBase,
  S extends z.ZodType = z.ZodType,
  F extends SwitchActivityFactory = SwitchActivityFactory,
  Q extends PolicyPart<P, any, any, any> = PolicyPart<P, any, any, any>,
> {
  type: P['type'];
  /** The step the switch phase runs for this type (workflow code). */
  step: SwitchStep<P>;
  /** Loads `./client.js` (a dynamic import marked `webpackIgnore: true`, see above). */
  client: () => Promise<SwitchClient<P, S>>;
  /** Loads the factory from `./activities.js` (a dynamic import marked `webpackIgnore: true`); absent: none. */
  activities?: () => Promise<F>;
  /** Loads its worker part from `./policy.js` (`webpackIgnore: true`): plan schema, policy section, rules, touches, bounds. */
  policy: () => Promise<Q>;
}

/**
 * Declares a switch type. The plan type comes from the step alone (`NoInfer` elsewhere), so tsc
 * refuses a manifest whose `type`, client part (schema, plan mapping, dry run) and step disagree.
 */
export const defineSwitch = <
  P extends SwitchPlanBase,
  S extends z.ZodType,
  F extends SwitchActivityFactory = never,
  Q extends PolicyPart<P, any, any, any> = PolicyPart<P, any, any, any>,
>(manifest: {
  type: NoInfer<P['type']>;
  step: SwitchStep<P>;
  client: () => Promise<SwitchClient<NoInfer<P>, S>>;
  activities?: () => Promise<F>;
  policy: () => Promise<Q>;
}): TrafficSwitch<P, S, F, Q> => manifest;

/** Declares a switch type's client part; the generics tie its schema (its `type`), plan mapping and dry run together. */
export const defineSwitchClient = <P extends SwitchPlanBase, S extends z.ZodType<{ type: P['type'] }>>(
  client: SwitchClient<P, S>,
) => client;
