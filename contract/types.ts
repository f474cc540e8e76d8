// Plain data shared by the workflow, its activities and the client. No imports with side
// effects: this module is loaded inside Temporal's workflow sandbox.
import type { NotifyPlan } from './notify-events.js';
import type { AnalysisPlan, CheckSummary } from './analysis-plan.js';
import type { CheckPlan, SwitchPlan } from './plugin-plans.js';
import type { AnalysisResult } from './metric-tally.js';
import type { Freeze, SwitchWindow } from './windows.js';
import type { DONE, FixedPhase, HookKind } from './vocabulary.js';
import type { TrainMembership } from './train.js';

export type Color = 'blue' | 'green';
export const COLORS: readonly Color[] = ['blue', 'green'];
export const otherColor = (color: Color): Color => (color === 'blue' ? 'green' : 'blue');

/** The color a plan deploys once `active` is known: a revert's, the requested one, or the other. */
export const targetColorOf = (plan: Pick<DeploymentPlan, 'revert' | 'requestedColor'>, active: Color): Color =>
  plan.revert?.color ?? plan.requestedColor ?? otherColor(active);

export interface GitHubRepoRef {
  owner: string;
  repo: string;
  /** API root for GitHub Enterprise Server or the lab; omitted means api.github.com. */
  baseUrl?: string;
}

export interface EnvironmentPlan {
  branch: string;
  url: string;
  deployWorkflow: string;
}

/** A GitHub Actions workflow run as a hook step (issue: app-based blue/green). */
export interface HookPlan {
  name: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export type { SwitchPlan };

/** What a color's public record holds: one CNAME, or A and/or AAAA addresses. */
export interface DnsTargetPlan {
  cname?: string;
  a?: string[];
  aaaa?: string[];
}

/** The public DNS record: checked after every switch and rollback, written by the dns switch. */
export interface DnsPlan {
  zone: string;
  /** Fully qualified, no trailing dot, e.g. api.example.com */
  record: string;
  /** TTL (seconds) the dns switch writes; absent keeps the record's current TTL. */
  ttl?: number;
  targets: Record<Color, DnsTargetPlan>;
  /** host:port of the authoritative servers to check; absent: found by NS lookup of the zone. */
  nameservers?: string[];
}

/** One authoritative server's answer for the public record, as the status shows it. */
export interface NameserverAnswer {
  server: string;
  /** Its name when found by NS lookup. */
  name?: string;
  /** It answers the target color's record. */
  ok: boolean;
  /** What it answers, e.g. "CNAME green.example.com", "NXDOMAIN", "timeout". */
  answer: string;
  ttl?: number;
  /** The zone's SOA serial it serves: shows which server lags. */
  serial?: number;
}

/** The DNS side of the last switch or rollback. */
export interface DnsStatus {
  record: string;
  /** The record the target color needs, e.g. "CNAME green.example.com". */
  expected: string;
  nameservers: NameserverAnswer[];
  /** The record's TTL in seconds, as the nameservers serve it. */
  ttl?: number;
  /** When every nameserver answered the target. */
  confirmedAt?: string;
  /** Until then resolvers that cached the old answer may still send users to the old color. */
  cachesMayLagUntil?: string;
  /** The public endpoint reached at the address the record resolves to, and what it answered. */
  endpoint?: string;
}

/**
 * Everything the workflow needs, resolved and validated by the client before start.
 * Durations are milliseconds. Contains no secrets.
 */
export interface DeploymentPlan {
  service: string;
  deploymentId: string;
  requestedBy: string;
  github: GitHubRepoRef;
  publicUrl: string;
  colorPath: string;
  environments: Record<Color, EnvironmentPlan>;
  /** The color asked for on the command line; by default the inactive one. */
  requestedColor?: Color;
  /** pollIntervalMs: how often a running GitHub run is polled (conditional requests cost no rate limit). */
  deploy: {
    runTimeoutMs: number;
    pollIntervalMs: number;
    /**
     * How long a dispatch whose answer was lost looks for its run before sending it again
     * (bluegreen.yaml `deploy.dispatchWindow`); plans of older clients have none (the worker's default).
     */
    dispatchWindowMs?: number;
  };
  switch: SwitchPlan;
  verify: { healthPath: string; successes: number; intervalMs: number; timeoutMs: number };
  approval: ApprovalPlan;
  /**
   * The GitHub Deployment record the CLI created with the deployer's own token: its `creator`
   * is the deployer as GitHub knows them. Absent: the deployer is who `requestedBy` says.
   */
  deployer?: { githubDeploymentId: number };
  monitor: { durationMs: number; intervalMs: number; failureThreshold: number; standby?: StandbyPlan };
  /** afterMs: the bake window; absent or 0 syncs right after monitoring. */
  sync: { enabled: boolean; redeploy: boolean; afterMs?: number };
  rollback: { automatic: boolean };
  hooks: { preSwitch: HookPlan[]; postSync: HookPlan[] };
  /** The public DNS record, when configured: verified after every switch (any switch type). */
  dns?: DnsPlan;
  /** Steps whose failure waits for a decision (`onFailure: ask`); absent steps fail at once. */
  onFailure?: Partial<Record<FailureStep, StepFailurePolicy>>;
  /** Allowed switch times and freezes from bluegreen.yaml (the worker policy adds its own). */
  switchWindows?: { windows: SwitchWindow[]; freezes: Freeze[] };
  /** Set by `bluegreen revert`: this deployment brings back what ran before `of`. */
  revert?: RevertPlan;
  /**
   * heartbeatMs: how long a waiting activity may stay silent before Temporal retries it on
   * another worker (how fast a dead worker is noticed). Absent in plans of older clients.
   */
  timeouts?: { heartbeatMs: number };
  /** Who hears of which events (channel names the worker resolves), reminders at the gate. */
  notify?: NotifyPlan;
  /**
   * Checks run besides health and color (a registered CheckPlan), e.g. metric queries:
   * verify's against the target environment, monitor's under traffic. Absent in older plans.
   */
  checks?: { verify?: CheckPlan[]; monitor?: CheckPlan[] };
  /** Metric analysis; absent when none is configured and in plans of older clients. */
  analysis?: { verify?: AnalysisPlan; monitor?: AnalysisPlan };
  /** verify.tests: GitHub Actions workflows run against the target color before approval. */
  verifyTests?: VerifyTestPlan[];
  /** Set when a release train starts this deployment: it holds at "ready to switch" for its parent. */
  train?: TrainMembership;
}

/** One test workflow of verify.tests; inputs may use {{url}}, {{color}}, {{sha}}. */
export interface VerifyTestPlan {
  name: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  timeoutMs: number;
}

/** The QA gate; plans of older clients carry only required, approvers and timeoutMs. */
export interface ApprovalPlan {
  required: boolean;
  approvers: string[];
  timeoutMs: number;
  /**
   * The channels the deployer's config allows (`approval.via`), intersected with the worker
   * policy's. @default ['signal', 'github'] (older plans: the signal path)
   */
  via?: Array<'signal' | 'github'>;
  /** via github: the gate workflow, the branch it is dispatched on, and the environment its job waits on. */
  gate?: { workflow: string; ref: string; environment: string };
  /** @default 1 */
  minApprovals?: number;
  /** @default false */
  allowSelfApproval?: boolean;
  /** Who may `promote`, set by the plan phase from the worker's policy; absent in older runs. */
  promoters?: string[];
  /**
   * Who may retry, roll back or abort besides the deployer, approvers and promoters, set by the
   * plan phase from the worker's policy (workflows/decision-authority.ts); absent in older runs.
   */
  operators?: string[];
}

export type FailureStep = 'deploy' | 'tests' | 'hooks' | 'verify';

/** `onFailure: ask` of one step. */
export interface StepFailurePolicy {
  action: 'ask';
  /** How long a failed step waits for `retry` or `abort`. */
  retryTimeoutMs: number;
  /** What happens when nobody decides in time. */
  default: 'abort' | 'retry';
  maxRetries: number;
}

/** What a revert brings back: the color that served before `of`, and the SHA it ran. */
export interface RevertPlan {
  /** The deployment id of the SUCCEEDED deployment being reverted. */
  of: string;
  /** The color traffic goes back to. */
  color: Color;
  /** The SHA that color ran before `of` (deployed again unless `warm`). */
  sha?: string;
  /** The color still runs that SHA (no sync since): switch back without a redeploy. */
  warm: boolean;
  reason: string;
}

/** A phase of the status's list: a fixed phase or one hook (`preSwitch:<name>`), from contract/vocabulary.ts. */
export type PhaseName = FixedPhase | `${HookKind}:${string}`;

export type PhaseState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface PhaseStatus {
  name: PhaseName;
  state: PhaseState;
  startedAt?: string;
  endedAt?: string;
  detail?: string;
  url?: string;
}

export interface ApprovalRecord {
  by: string;
  decision: 'approved' | 'rejected';
  at: string;
  comment?: string;
  /** false when the name is not on the approvers list: recorded, ignored. */
  counted: boolean;
  note?: string;
  /**
   * true: `by` is a GitHub login GitHub vouches for (approval via GitHub, read from the gate
   * run's review log); absent: `by` is whatever the sender typed (self-declared).
   */
  verified?: boolean;
  /** The gate run the review was given on (approval via GitHub). */
  gateRunId?: number;
  /**
   * true: the gate run passed with no review at all (an administrator bypassed the environment's
   * protection rules); `by` names nobody and the record is never counted.
   */
  bypass?: boolean;
}

/** The QA gate held by GitHub (approval via GitHub), as the status shows it. */
export interface GateStatus {
  /** The repository the gate runs in (where `bluegreen approve` reviews it). */
  github: GitHubRepoRef;
  environment: string;
  /** Who GitHub lets review it (logins and `org/team`). */
  reviewers: string[];
  /** The gate run waiting now, if any. */
  runId?: number;
  url?: string;
  approvalsNeeded: number;
  /** Logins whose verified approval counted so far. */
  approvedBy: string[];
}

/** A signal that changed nothing: a malformed payload, a name not allowed, the wrong moment. */
export interface IgnoredSignal {
  signal: string;
  at: string;
  /** Who sent it, when the payload named someone (cut to 100 characters). */
  by?: string;
  reason: string;
}

export type Outcome = 'SUCCEEDED' | 'ROLLED_BACK' | 'ABORTED' | 'FAILED';

/** A status as read outside its tracker: no field, list or nested record can be assigned. */
export type StatusView = { readonly [K in keyof DeploymentStatus]: Readonly<DeploymentStatus[K]> };

export interface DeploymentStatus {
  service: string;
  deploymentId: string;
  /** The running (or last) phase; `done` once the deployment has ended. */
  phase: PhaseName | typeof DONE;
  activeColor?: Color;
  targetColor?: Color;
  sha?: string;
  requestedBy: string;
  startedAt: string;
  endedAt?: string;
  outcome?: Outcome;
  phases: PhaseStatus[];
  approvals: ApprovalRecord[];
  approvers: string[];
  /** Whether the deployer may approve their own deployment; absent (older deployments): no, the default. */
  allowSelfApproval?: boolean;
  /** Approval via GitHub: the gate and its progress. */
  gate?: GateStatus;
  /** Who started the deployment as GitHub knows them (the deployment record's creator). */
  deployer?: { login: string; verified: true };
  /** Who may promote, from the worker's policy; absent: no restriction was recorded (older runs). */
  promoters?: string[];
  /**
   * Signals that were ignored and why, newest last (the last 20): a signal cannot be refused to
   * its sender, so this is where a typo in a Web UI or `temporal workflow signal` payload shows.
   */
  ignoredSignals?: IgnoredSignal[];
  /** What a human must do next, in words, when the deployment waits on one. */
  waitingFor?: string;
  /** What the outcome alone would hide, e.g. a dispatch whose run ran twice (the duplicate cancelled). */
  notes?: string[];
  /** True once a postSync hook has started: rollback is no longer possible. */
  pointOfNoReturn?: boolean;
  monitor?: { probes: number; failures: number; consecutiveFailures: number; lastFailure?: string };
  /**
   * What verify and monitor measured, per phase: their checks' counts and their metric analysis
   * (set by StatusTracker.setAnalysis, shown by views/analysis-details.ts).
   */
  analyses?: Partial<Record<AnalysisPhase, PhaseAnalysis>>;
  /**
   * The color that served before and the SHA it ran (its branch head at plan time); `warm` while
   * it still runs it (until sync redeploys it): what `bluegreen revert` brings back.
   */
  previous?: { color: Color; sha?: string; warm: boolean };
  /** Set on a revert deployment: the id of the deployment it reverts. */
  revertOf?: string;
  /** The bake window (sync.after): until when `rollback` is instant, the old color untouched. */
  bake?: { until: string; color: Color; endedBy?: string };
  /** Runs per step beyond the first (`retry` after a failure), e.g. { deploy: 2 } after one retry. */
  attempts?: Partial<Record<string, number>>;
  /** A failed step waiting for `retry` or `abort` (onFailure: ask). */
  stepFailure?: {
    /** The phase, or one of its steps (verify.tests: `test-<name>`). */
    step: PhaseName | `test-${string}`;
    error: string;
    attempt: number;
    decideBy: string;
    otherwise: 'abort' | 'retry';
  };
  /** The wait before the switch for a window or the end of a freeze, and an approver's override. */
  switchWindow?: {
    why: string;
    /** When the switch is allowed again (absent: not within a year, only an override helps). */
    until?: string;
    since: string;
    override?: { by: string; reason: string; at: string };
  };
  /** Per-nameserver results of the last DNS verification (when `dns` is configured). */
  dns?: DnsStatus;
  /** Where the public traffic is, once the switch has moved some: `color` gets `percent`, the other color the rest. */
  weight?: WeightStatus;
  /** The color a rollback would go back to, kept under probe during monitor, traffic steps and bake (the hot standby). */
  standby?: StandbyStatus;
  /** Notifications sent, and the ones that failed (never blocking; the last 20 failures). */
  notifications?: NotificationsStatus;
  error?: string;
  /** verify.tests: the test workflow runs against the target color. */
  tests?: TestRunStatus[];
}

/** The traffic split as the switch last set it (switch.steps: step by step). */
export interface WeightStatus {
  color: Color;
  /** The share of the public traffic `color` gets (0..100). */
  percent: number;
  /** With switch.steps: the step (1-based) and how many there are. */
  step?: number;
  steps?: number;
  /** The share sampled on the public endpoint at this step, when it was. */
  sampled?: number;
  since: string;
}

/**
 * The hot standby (monitor.standby): the old color is probed beside the monitor's checks, with
 * the health and color checks verify runs on a color, so a rollback goes to a color known to be
 * healthy. Absent: not probed (plans of older clients, or `probe: false`).
 */
export interface StandbyPlan {
  /** Failed probe rounds in a row that make the old color unhealthy. */
  failures: number;
  /** How long a held rollback waits for a person before the deployment ends FAILED, traffic left where it is. */
  askTimeoutMs: number;
}

/** The old color as its last probe saw it. */
export interface StandbyStatus {
  color: Color;
  /** Absent until the first probe round has been reported. */
  healthy?: boolean;
  /** ISO time of the last probe round reported. */
  probedAt?: string;
  /** Why it is unhealthy: the last failed probe, cleaned. */
  reason?: string;
  /** A rollback is due but waits, the old color being unhealthy: `rollback` switches anyway, `abort` keeps traffic. */
  held?: { since: string; until: string; reason: string };
}

/** The phases that measure the target color. */
export type AnalysisPhase = 'verify' | 'monitor';

/** What one phase measured (DeploymentStatus.analyses). */
export interface PhaseAnalysis {
  /** Per-check counts and last measurements: HTTP health, color and the plan's checks (analysis/). */
  checks?: CheckSummary[];
  /** The metric analysis: each metric's verdict, counts and latest evidence. */
  metrics?: AnalysisStatus;
}

/** The metric analysis of one phase; `decidedBy` when a human (or the ask timeout) settled an inconclusive one. */
export interface AnalysisStatus extends Omit<AnalysisResult, 'verdict'> {
  /** `running` while measurements come in (the workflow's own copy has none: see `liveAt`). */
  verdict: AnalysisResult['verdict'] | 'running';
  decidedBy?: string;
  /**
   * Set by `bluegreen status` when the counts were read from the running analysis activity's
   * last heartbeat (client/live-analysis.ts), its time: live counts, no history event per round.
   */
  liveAt?: string;
}

export interface TestRunStatus {
  name: string;
  workflow: string;
  state: 'running' | 'succeeded' | 'failed';
  url?: string;
  /** e.g. `ended failure at job "e2e", step "checkout flow": <url>` */
  detail?: string;
}

export interface NotificationsStatus {
  sent: number;
  failed: { channel: string; event: string; at: string; error: string }[];
}
