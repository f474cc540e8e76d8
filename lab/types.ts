// Public types of the lab: options, controls and the records tests inspect.
import type { Color } from '../contract/types.js';
import type { LabDnsOptions } from './dns-follower.js';
import type { WeightSource } from './weight-follower.js';

export type { Color };

export interface LabOptions {
  /**
   * The router splits traffic by these weights, polled from an emulated load balancer or weighted
   * records (lab/weight-follower.ts), instead of following the lab's switch workflow.
   */
  weights?: WeightSource;
  /** @default 'datatruck' */
  owner?: string;
  /** @default 'backend' */
  repo?: string;
  /** Accepted personal-access-style tokens (`token X` or `Bearer X`). @default ['lab-token'] */
  tokens?: string[];
  /** GitHub App mode: installation tokens are issued against an RS256 JWT signed by this key. */
  appAuth?: { appId: number; installationId: number; publicKeyPem: string };
  /** @default 'blue' */
  initialActiveColor?: Color;
  /** Branch of each color. @default { blue: 'production', green: 'green' } */
  branches?: { blue?: string; green?: string };
  /** How long a run stays queued, then in progress. @default { queuedMs: 200, inProgressMs: 800 } */
  runTiming?: { queuedMs?: number; inProgressMs?: number };
  /**
   * How the dispatch endpoint treats `return_run_details`: true answers 200 with the run's ids
   * (github.com since 2026-02-19); false ignores it and answers 204 (older servers); a
   * {@link RunDetailsRefusal} refuses any dispatch carrying it, as GitHub Enterprise Server
   * ≤ 3.20 does (benc-uk/workflow-dispatch#86 on GHES 3.19, cli/cli#12672). @default true
   */
  returnRunDetails?: boolean | RunDetailsRefusal;
  /**
   * A new run appears in the runs lists only this long after its dispatch (GitHub's lists are
   * eventually consistent; the lag grows under load). `GET …/runs/{id}` finds it at once. @default 0
   */
  listLagMs?: number;
  /** The router switches this long after a DNS Update run completes (DNS/TTL lag). @default 0 */
  dnsLagMs?: number;
  /**
   * The router follows this DNS record (polling its authoritative server) instead of being
   * set directly; with `tsig`, the DNS Update workflow updates the record (RFC 2136).
   */
  dns?: LabDnsOptions;
  /**
   * Where to POST a `workflow_run` webhook (action `completed`) when a run completes, signed
   * with `secret` as GitHub does (`X-Hub-Signature-256`). Loopback receivers only.
   */
  webhook?: WebhookTarget;
  /** How long a job waits for a review before it fails (GitHub: 30 days). @default 30 days */
  reviewTimeoutMs?: number;
  /** Fixed ports (e.g. for the demo); 0 or absent picks a free one. */
  ports?: { github?: number; public?: number; blue?: number; green?: number };
}

/**
 * GHES ≤ 3.20's refusals of `return_run_details`, in the wordings seen: `ghes-400` is GHES 3.19's
 * 400 `Invalid request.\n\n"return_run_details" is not a permitted key.`; `ghes-422` the same text
 * as a 422 (the older validation status); `ghes-400-bare` the sentence without the prefix.
 */
export type RunDetailsRefusal = 'ghes-400' | 'ghes-422' | 'ghes-400-bare';

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** One webhook POST the lab made. */
export interface WebhookDelivery {
  id: string;
  runId: number;
  at: string;
  /** HTTP status of the receiver's answer; 0 when it could not be reached. */
  status: number;
  error?: string;
}

/** `waiting`: a job references an environment whose required reviewers have not decided yet. */
export type RunStatus = 'queued' | 'waiting' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure' | 'cancelled' | 'timed_out';

/** How runs of one workflow behave from now on (replaces the previous behaviour). */
export interface WorkflowBehavior {
  queuedMs?: number;
  inProgressMs?: number;
  /** @default 'success' */
  conclusion?: RunConclusion;
  /** Job that fails when conclusion is not success. @default the last job */
  failJob?: string;
  /** Step of failJob that fails. @default the step before 'Complete job' */
  failStep?: string;
  /** The run stays in_progress until cancelled (a stuck runner). */
  neverComplete?: boolean;
  /**
   * A cancel is answered 202 at once, but the run goes on this long before it ends `cancelled`
   * (GitHub stops the runners asynchronously). @default 0
   */
  cancelTakesMs?: number;
  /** A plain cancel is accepted (202) but ignored: only a force-cancel stops the run (an `if: always()` job). */
  ignoresCancel?: boolean;
}

export interface WorkflowInputSpec {
  required?: boolean;
  type?: 'string' | 'choice' | 'boolean' | 'number' | 'environment';
  options?: string[];
  default?: string;
}

export interface JobSpec {
  name: string;
  steps: string[];
  /** `environment:` of the job: with required reviewers there, the run waits for a review. */
  environment?: string;
}

/** What a successful run does to the lab. */
export type WorkflowEffect =
  | { type: 'none' }
  /** The color's app then serves the commit the run was dispatched at. */
  | { type: 'deploy'; color: Color }
  /**
   * The router's active color becomes `inputs.color` (after dnsLagMs); with `service`, that
   * service's route of the multi-service router (see `Lab.addService`).
   */
  | { type: 'switch'; service?: string };

export interface WorkflowDefinition {
  /** File name, also accepted as workflow_id, e.g. 'migrate.yml'. */
  file: string;
  /** Display name, e.g. 'Run migrations'. @default the file name */
  name?: string;
  /** Declared workflow_dispatch inputs; absent accepts any inputs. */
  inputs?: Record<string, WorkflowInputSpec>;
  /** @default one job 'run' with steps Set up job / Run / Complete job */
  jobs?: JobSpec[];
  /**
   * `run-name:` template; `${{ inputs.<name> }}` is replaced as GitHub renders it.
   * @default `<name> · ${{ inputs.deployment_id }}` (or the name when that input is absent)
   */
  runName?: string;
  /** @default { type: 'none' } */
  effect?: WorkflowEffect;
  /** In-process hook called when a run completes (any conclusion). */
  onComplete?: (run: RunSummary) => void;
}

export interface FaultSpec {
  /** HTTP method to match; absent matches any. */
  method?: string;
  /** Regular expression source matched against the request path (no query string). */
  path: string;
  /** Answer with this status (GitHub error body unless `body` is given). */
  status?: number;
  /** How many matching requests the fault applies to. */
  times: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Destroy the socket instead of answering (the client sees a connection reset). */
  resetConnection?: boolean;
  /** Wait this long first; with no status and no reset the request is then served normally. */
  delayMs?: number;
  /**
   * Apply the fault after the request was processed: the side effect happens (a dispatch
   * creates its run) but the client never sees the real answer. This is the "lost response"
   * case behind duplicate dispatches.
   */
  afterProcessing?: boolean;
  /**
   * Let this many matching requests through untouched first: `skip: 1` with `times: 1` hits
   * the second dispatch of a workflow. @default 0
   */
  skip?: number;
}

export type AuthKind = 'none' | 'invalid' | 'token' | 'bearer' | 'installation' | 'jwt';

/** One API request; the log keeps the latest 10,000 (counters keep totals). */
export interface RequestRecord {
  at: string;
  method: string;
  path: string;
  query: string;
  /** 0 when an injected fault reset the connection. */
  status: number;
  authKind: AuthKind;
  /** The request carried If-None-Match. */
  conditional: boolean;
  /** Answered 304 (free on GitHub: not counted against the rate limit). */
  notModified: boolean;
  /** Counted against the rate limit. */
  rateLimited: boolean;
  /** An injected fault shaped (or replaced) the answer. */
  fault: boolean;
}

export interface DispatchRecord {
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  at: string;
  runId: number;
  returnRunDetails: boolean;
  /** Login that dispatched (the run's `actor`). */
  actor: string;
}

export interface Counters {
  requests: number;
  /** Requests that cost rate limit (everything authenticated except 304s). */
  rateLimited: number;
  notModified: number;
  unauthorized: number;
  faults: number;
  dispatches: number;
}

export interface RunSummary {
  id: number;
  workflow: string;
  name: string;
  displayTitle: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  headBranch: string;
  headSha: string;
  inputs: Record<string, string>;
  createdAt: string;
  createdAtMs: number;
  completedAtMs?: number;
  htmlUrl: string;
  failedJob?: string;
  failedStep?: string;
  /** Login of who dispatched it. */
  actor: string;
  /** Cancel requests it received (`POST …/cancel`, `…/force-cancel`), oldest first. */
  cancelRequests: Array<{ atMs: number; force: boolean }>;
}

export interface SwitchRecord {
  at: string;
  from: Color;
  color: Color;
  /** false when the router already pointed at that color. */
  changed: boolean;
  source: string;
}

export interface AppFault {
  delayMs?: number;
  colorBody?: 'not-json' | 'wrong-color';
  /** Drop every connection at once, as if nothing listened. */
  refuse?: boolean;
  /**
   * Fraction (0–1) of traffic requests (every route but /health, the color endpoint and
   * /metrics) answered 500, spread evenly: 0.05 fails exactly every 20th.
   */
  errorRate?: number;
  /** Extra latency of traffic requests only (the probes stay fast), in ms. */
  latencyMs?: number;
  /**
   * The health and color endpoints answer this text instead of JSON (health keeps its status
   * code): a hostile app's body, e.g. escape sequences or a forged line, for the probes to quote.
   */
  body?: string;
  /** The health and color endpoints answer 200 and then a body that never ends (16 KiB a millisecond). */
  endlessBody?: boolean;
}
