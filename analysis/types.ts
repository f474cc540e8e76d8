// The analysis seam's data: what a check is (a CheckPlan, one per provider), what it measures
// (a Measurement) and what a phase keeps of a check (a CheckSummary). verify and monitor run a
// list of checks each; a provider (analysis/<provider>/) turns one check into one measurement.
// Plain data, type-only imports: loaded in the workflow sandbox, by the activities and the CLI.
import type { Color } from '../contract/types.js';
import type { CheckSummary, Measurement, Verdict } from '../contract/analysis-plan.js';
import type { CheckPlan } from '../contract/plugin-plans.js';

export type { CheckPlan, CheckSummary, Measurement, Verdict };

/** What every check carries. */
export interface CheckPlanBase {
  /** Unique among the phase's checks; names the check in measurements and the status. */
  name: string;
  /**
   * What an inconclusive reading (no data, the metrics source unreachable) counts as: `pass` or
   * `fail`, the words a metric analysis's `onInconclusive` uses; absent, it counts neither way
   * (there is no human to `ask` about one reading). `ignore` is the old word for absent.
   */
  onInconclusive?: 'pass' | 'fail' | 'ignore';
}

/** 2xx from `url` (analysis/http-health). */
export interface HttpHealthCheckPlan extends CheckPlanBase {
  provider: 'http-health';
  url: string;
}

/** `{"color": expect}` from `url` (analysis/color). */
export interface ColorCheckPlan extends CheckPlanBase {
  provider: 'color';
  url: string;
  expect: Color;
}

/** verify: every check passes `successes` rounds in a row before `timeoutMs`. */
export interface VerifyChecksInput {
  checks: CheckPlan[];
  successes: number;
  intervalMs: number;
  timeoutMs: number;
}

export interface VerifyChecksResult {
  ok: boolean;
  /** Rounds measured (every check once per round). */
  rounds: number;
  checks: CheckSummary[];
  /** The reason of the last failing measurement, when ok is false. */
  lastFailure?: string;
}

/** monitor: every check every `intervalMs` for `durationMs`; `failureThreshold` failing rounds in a row fail it. */
export interface MonitorChecksInput {
  checks: CheckPlan[];
  durationMs: number;
  intervalMs: number;
  failureThreshold: number;
  /** The hot standby: the old color probed in the same rounds (monitor.standby). */
  standby?: StandbyProbeInput;
}

/** The old color's health and color checks, and when its probes make it unhealthy. */
export interface StandbyProbeInput {
  color: Color;
  checks: CheckPlan[];
  /** Failed rounds in a row that make it unhealthy. */
  failures: number;
  /** End the window as soon as the old color is in this state (the bake's watch); absent: run the whole window. */
  until?: 'healthy' | 'unhealthy';
}

/** The old color as the last round saw it. */
export interface StandbyReading {
  color: Color;
  healthy: boolean;
  /** Rounds measured. */
  probes: number;
  consecutiveFailures: number;
  /** ISO time of the last round; absent when no round ran. */
  probedAt?: string;
  /** The last failed round's reason. */
  lastFailure?: string;
}

/** A fresh look at the old color before a rollback: rounds `spacingMs` apart until one passes or `failures` fail. */
export interface CheckStandbyInput {
  color: Color;
  checks: CheckPlan[];
  failures: number;
  spacingMs: number;
}

export interface MonitorChecksResult {
  verdict: 'healthy' | 'unhealthy';
  rounds: number;
  /** Rounds in which a check failed. */
  failedRounds: number;
  checks: CheckSummary[];
  lastFailure?: string;
  /** The hot standby's state at the end of the window (with `standby` in the input). */
  standby?: StandbyReading;
}

/** The analysis activities: one heartbeating activity per phase runs all of its checks. */
export interface AnalysisActivities {
  verifyChecks(input: VerifyChecksInput): Promise<VerifyChecksResult>;
  monitorChecks(input: MonitorChecksInput): Promise<MonitorChecksResult>;
  checkStandby(input: CheckStandbyInput): Promise<StandbyReading>;
}
