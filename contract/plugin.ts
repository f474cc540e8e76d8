// The worker-side part every plug-in declares (traffic switch, metric provider, check, chat
// channel), in one shape: how the worker re-validates the plug-in's part of a plan (plans are
// untrusted input), the section of the worker policy it owns, the rules of that section, what it
// fetches or touches on a plan's behalf, and its bounds. worker/plan-check.ts runs them all in
// the plan phase, before any side effect; worker/policy-schema.ts composes the sections and
// `limits`. Types only (the zod import is a type): loaded wherever the manifests are.
import type { z } from 'zod';
import type { DeploymentPlan } from './types.js';

/** The worker's secrets (worker/secrets.ts reads them from its environment): what a plug-in's credential comes from. */
export interface SecretStore {
  /** The secret read from `envName` at start; throws `SecretMissingError` (naming the variable only) when absent. */
  get(envName: string): string;
  /** The secret, or undefined when the variable was not set. */
  find(envName: string): string | undefined;
  has(envName: string): boolean;
  /** Names of the variables that were read (never their values). */
  names(): string[];
  /** The text with every secret value, and each line of multi-line ones, replaced by `[secret NAME]`. */
  redact(text: string): string;
}

/** What a plug-in fetches or touches for one plan: the egress rule and the audit read it. */
export interface PlanTouches {
  /** http(s) URLs it requests (a template's placeholders left in). */
  urls: string[];
  /** Names of the worker's secret variables it sends (never values). */
  credentials: string[];
  /** Everything else it changes or reads: DNS zones and servers, ARNs, sockets. */
  targets: string[];
}

/** One bound: a floor (`min`) or a ceiling (`max`) on a number of the plug-in's plan part. */
export interface Bound {
  /** The number it holds: a dot path in the plug-in's plan part, e.g. "verifyTimeoutMs". */
  field: string;
  limit: 'min' | 'max';
  /** The safe default; the worker policy's `limits` may set another. */
  default: number;
  /** What it bounds, for the error text, e.g. "the switch's verify timeout (ms)". */
  what: string;
}
export type Bounds = Record<string, Bound>;
/** The bounds in force: the defaults, or the worker policy's `limits`. */
export type Limits<B extends Bounds> = { [K in keyof B]: number };

/** What a plug-in's rules are given: its own policy section, its limits, and where its part sits. */
export interface PolicyContext<Section, B extends Bounds> {
  /** Its section of the worker policy (parsed); `undefined` for a plug-in without one. */
  section: Section;
  limits: Limits<B>;
  /** The plan field of its part, e.g. "switch", "checks.verify.2", "analysis.verify.metrics.0.source". */
  at: string;
  /** The whole plan, for rules across sections (the dns switch reads `dns.zone`). */
  plan: DeploymentPlan;
}

/**
 * A plug-in's worker part. `Part` is the plan part it owns (a switch plan, a check, a metric
 * source, a channel entry of the policy); `S` is its policy section's schema.
 */
export interface PolicyPart<Part, S extends z.ZodType = z.ZodType, B extends Bounds = Bounds, K extends string = string> {
  /** Its type, as the plan names it (`switch.type`, a check's `provider`, a metric source's `type`). */
  type: string;
  /** Former names of its type that a plan started before a rename may still carry; read as `type`. */
  aliases?: readonly string[];
  /** The plan part's schema: what the worker re-validates an untrusted plan's part with. */
  plan: z.ZodType<unknown>;
  /** Its section of the worker policy, under `key` (an existing policy file keeps its keys). Absent: nothing to list. */
  policy?: { key: K; section: S };
  /** Its bounds with safe defaults; overridable under the worker policy's `limits`. */
  bounds: B;
  /** Every rule the part breaks, one sentence each naming the plan field and the policy field. */
  problems: (part: Part, context: PolicyContext<z.output<S> | undefined, B>) => string[];
  /** What it will fetch or touch on the plan's behalf. */
  touches: (part: Part, context: PolicyContext<z.output<S> | undefined, B>) => PlanTouches;
  /** The secret variables its section names, with their policy path (read into the secret store at start). */
  secrets?: (section: z.output<S>) => Array<{ path: string; envName: string }>;
  /** Old words its part still reads, one sentence each naming the plan field and the new word (logged, not refused). */
  notices?: (part: Part, at: string) => string[];
  /** Problems inside its section alone (an entry listed twice), with their policy path. */
  sectionProblems?: (section: z.output<S>) => Array<{ path: string; message: string }>;
}

/**
 * Declares a plug-in's worker part for plan part `Part` (curried so `Part` is given and the rest
 * inferred): tsc refuses rules that read fields the part does not have, limits it does not declare,
 * or a section other than its own.
 */
export const definePolicyPart =
  <Part>() =>
  <S extends z.ZodType = z.ZodNever, B extends Bounds = Record<never, Bound>, const K extends string = never>(
    part: PolicyPart<Part, S, B, K>,
  ) =>
    part;

/** The policy sections a list of parts owns, by key: `{ routers: <schema>, dns: <schema> }`. */
export type SectionsOf<Parts> = Intersect<
  Parts extends readonly (infer P)[] ? (P extends PolicyPart<any, infer S, any, infer K> ? { [k in K]: S } : never) : never
>;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Nothing fetched or touched. */
export const NO_TOUCHES: PlanTouches = { urls: [], credentials: [], targets: [] };
