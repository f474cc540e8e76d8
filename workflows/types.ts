// Plain data shared by the workflow, its activities and the client. No imports with side
// effects: this module is loaded inside Temporal's workflow sandbox.
import type { NotifyPlan } from '../notify/events.js';

export type Color = 'blue' | 'green';
export const COLORS: readonly Color[] = ['blue', 'green'];
export const otherColor = (color: Color): Color => (color === 'blue' ? 'green' : 'blue');

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

export type SwitchPlan =
  | { type: 'workflow'; workflow: string; ref: string; verifyTimeoutMs: number }
  | { type: 'http'; url: string; tokenEnv: string; verifyTimeoutMs: number }
  | DnsSwitchPlan;

/** RFC 2136 dynamic update of `dns.record`, signed with TSIG (issue 8). */
export interface DnsSwitchPlan {
  type: 'dns';
  /** host:port the update is sent to; absent: the zone's primary (SOA MNAME), port 53. */
  server?: string;
  /** The secret is read from the worker's environment variable `secretEnv`, never carried here. */
  tsig: { keyName: string; algorithm: string; secretEnv: string };
  /** How long a failing update is retried (it is idempotent) before the switch fails. */
  updateTimeoutMs: number;
  verifyTimeoutMs: number;
}

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
  deploy: { runTimeoutMs: number; pollIntervalMs: number };
  switch: SwitchPlan;
  verify: { healthPath: string; successes: number; intervalMs: number; timeoutMs: number };
  approval: { required: boolean; approvers: string[]; timeoutMs: number };
  monitor: { durationMs: number; intervalMs: number; failureThreshold: number };
  sync: { enabled: boolean; redeploy: boolean };
  rollback: { automatic: boolean };
  hooks: { preSwitch: HookPlan[]; postSync: HookPlan[] };
  /** The public DNS record, when configured: verified after every switch (any switch type). */
  dns?: DnsPlan;
  /**
   * heartbeatMs: how long a waiting activity may stay silent before Temporal retries it on
   * another worker (how fast a dead worker is noticed). Absent in plans of older clients.
   */
  timeouts?: { heartbeatMs: number };
  /** Who hears of which events (channel names the worker resolves), reminders at the gate. */
  notify?: NotifyPlan;
}

export type PhaseName =
  | 'plan'
  | 'deploy'
  | 'verify'
  | 'approval'
  | 'switch'
  | 'monitor'
  | 'sync'
  | 'rollback'
  | 'done'
  | `preSwitch:${string}`
  | `postSync:${string}`;

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

export interface DeploymentStatus {
  service: string;
  deploymentId: string;
  phase: PhaseName;
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
  /**
   * Signals that were ignored and why, newest last (the last 20): a signal cannot be refused to
   * its sender, so this is where a typo in a Web UI or `temporal workflow signal` payload shows.
   */
  ignoredSignals?: IgnoredSignal[];
  /** What a human must do next, in words, when the deployment waits on one. */
  waitingFor?: string;
  /** True once a postSync hook has started: rollback is no longer possible. */
  pointOfNoReturn?: boolean;
  monitor?: { probes: number; failures: number; consecutiveFailures: number; lastFailure?: string };
  /** Per-nameserver results of the last DNS verification (when `dns` is configured). */
  dns?: DnsStatus;
  /** Notifications sent, and the ones that failed (never blocking; the last 20 failures). */
  notifications?: NotificationsStatus;
  error?: string;
}

export interface NotificationsStatus {
  sent: number;
  failed: { channel: string; event: string; at: string; error: string }[];
}
