// The bluegreen-worker.yaml schema (zod): what this worker's credentials may touch, and the
// approval rules per service. The plan (the deployer's YAML, or anyone who can start a workflow
// on the task queue) may only ask for what this file allows (worker/policy-rules.ts).
//
// Extension points: each section below is its own exported schema, so a feature adds its
// settings by editing only its section (approvals via GitHub: `approvalPolicy`; notification
// channels: `notificationsSection`; metric provider headers: `metricsSection`; windows and
// freezes: `windowsSection`). A section that names a secret gives the *environment variable*
// that holds it (`…Env`); `secretVariables()` in worker/policy.ts collects those names so the
// secret store reads them once at worker start.
import { z } from 'zod';
import { envName, normalizeUrl, policyUrl } from '../config/policy-fields.js';
import { SWITCH_POLICY_SECTIONS } from '../switches/policy.js';
import { notificationsSection } from '../notify/policy.js';
import { egressSection } from './policy-egress.js';
import { limitsSection } from './policy-limits.js';
import { windowsPolicySection } from './policy-windows.js';

export { envName, normalizeUrl, policyUrl, notificationsSection };

/** The GitHub API root a worker without a policy file serves. */
export const GITHUB_API_ROOT = 'https://api.github.com';

/** `owner/repo` with `*` (any characters but "/") and `?` (one character); case-insensitive as GitHub. */
const repoPattern = z
  .string({ error: 'expected a repository pattern like "datatruck/backend" or "datatruck/*"' })
  .regex(/^[\w.*?-]+\/[\w.*?-]+$/, 'expected a repository pattern owner/repo, like "datatruck/backend" or "datatruck/*"');

/** A service name pattern: `*` and `?` as in repository patterns. */
const servicePattern = z
  .string({ error: 'expected a service name or pattern, like "datatruck-api" or "datatruck-*"' })
  .regex(
    /^[a-z0-9.*?_-]{1,63}$/,
    'expected a service name or pattern (lowercase, digits, ".", "_", "-", "*", "?"), like "datatruck-*"',
  );

/** A GitHub login ("alice") or a team slug ("datatruck/sre"). */
export const approverName = z
  .string({ error: 'expected a GitHub login like "alice" or a team like "datatruck/sre"' })
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?$/,
    'expected a GitHub login like "alice" or a team slug like "datatruck/sre"',
  );

/** A GitHub login ("alice"), no team: a name a signal carries can stand for a person only. */
const login = z
  .string({ error: 'expected a GitHub login like "alice"' })
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'expected a GitHub login like "alice" (teams cannot be checked for a signal)');

export const githubSection = z
  .strictObject({
    /**
     * API roots the worker's GitHub credentials are sent to. A plan naming another
     * `github.baseUrl` is refused before any request.
     * @default ["https://api.github.com"]
     * @example ["https://api.github.com", "https://ghes.example.com/api/v3"]
     */
    apiRoots: z.array(policyUrl).min(1, 'list at least one API root').max(16).default([GITHUB_API_ROOT]),
    /**
     * Repositories (owner/repo, `*` and `?` globs) deployments may use: deploy, hook and switch
     * workflows are dispatched there. Everything the token reaches, by default.
     * @default ["*\/*"]
     */
    repositories: z.array(repoPattern).min(1, 'list at least one repository pattern').max(256).default(['*/*']),
  })
  .prefault({});

export const APPROVAL_CHANNELS = ['signal', 'github'] as const;

/**
 * Per-service approval rules. A plan may tighten them (require approval, name fewer approvers,
 * ask for more approvals), never loosen them (worker/policy-rules.ts `effectiveApprovalPolicy`).
 * The approvals helper extends this section (approval via GitHub environments).
 */
export const approvalPolicy = z.strictObject({
  /** Approval before the switch. `false` lets the plan decide. @default true */
  required: z.boolean().default(true),
  /**
   * Who may approve: GitHub logins or `org/team` slugs. Absent: whoever the plan lists (it must
   * list someone when approval is required). A plan's approvers must be among these.
   */
  approvers: z.array(approverName).min(1, 'list at least one approver, or leave approvers out').max(256).optional(),
  /** Distinct approvals needed. @default 1 */
  minApprovals: z.int().min(1).max(20).default(1),
  /** Whether the deployer (the plan's requestedBy) may approve their own deployment. @default false */
  allowSelfApproval: z.boolean().default(false),
  /** Who may `promote` (end the monitor window early as a success). @default the approvers */
  promoters: z.array(approverName).min(1).max(256).optional(),
  /**
   * Who may `retry` a failed step, `rollback` and `abort`, besides the deployer, the approvers
   * and the promoters (who may always). Logins only: these names arrive in signals.
   * @default [] (the deployer, the approvers and the promoters)
   */
  operators: z.array(login).max(256).optional(),
  /** How an approval may arrive: a Temporal signal/update (`bluegreen approve`) or GitHub. @default ["signal", "github"] */
  via: z
    .array(z.enum(APPROVAL_CHANNELS, { error: 'expected "signal" or "github"' }))
    .min(1, 'allow at least one of "signal", "github"')
    .default(['signal', 'github']),
});

export const servicePolicy = z.strictObject({
  /** Service name or pattern; the first entry that matches a plan's service applies. */
  match: servicePattern,
  approval: approvalPolicy.prefault({}),
});

/** Metric providers (the metrics helper owns this shape): request headers whose values are secrets. */
export const metricsSection = z
  .array(
    z.looseObject({
      /** URL prefix the headers are sent to (and nowhere else). */
      url: policyUrl,
      /** Header name → variable holding its value, e.g. { Authorization: PROMETHEUS_AUTH }. */
      headers: z
        .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name'), envName('PROMETHEUS_AUTH'))
        .default({}),
    }),
  )
  .max(64)
  .default([]);

/**
 * Switch windows and freezes per service (worker/policy-windows.ts): every deployment on this
 * worker obeys them; a deployer's bluegreen.yaml may only add its own.
 * @default [] (switch any time)
 */
export const windowsSection = windowsPolicySection;

export const policySchema = z.strictObject({
  github: githubSection,
  /** Each switch type's section (switches/<type>/policy.ts): `routers` (http), `dns` (dns). */
  ...SWITCH_POLICY_SECTIONS,
  /** Approval rules by service; services no entry matches get `defaults`. */
  services: z.array(servicePolicy).max(256).default([]),
  /** The rules for services no `services` entry matches. @default approval required, approvers from the plan */
  defaults: z.strictObject({ approval: approvalPolicy.prefault({}) }).prefault({}),
  /** Further variables to read into the secret store at start (for extensions). @default [] */
  secrets: z.array(envName('SOME_SECRET')).max(64).default([]),
  notifications: notificationsSection,
  metrics: metricsSection,
  windows: windowsSection,
  /** URL prefixes each service's plans may fetch (worker/policy-egress.ts). @default absent: each plan its own hosts */
  egress: egressSection,
  /** Bounds on what a plan may ask for, in place of their safe defaults (worker/plan-bounds.ts, each plug-in's bounds). @default {} */
  limits: limitsSection,
});

export type WorkerPolicyInput = z.input<typeof policySchema>;
export type WorkerPolicy = z.output<typeof policySchema>;
export type ApprovalPolicy = z.output<typeof approvalPolicy>;
export type { RouterPolicy } from '../switches/http/policy.js';

/** The policy of a worker without a policy file: github.com, any repository, no router, no DNS updates. */
export const DEFAULT_POLICY: WorkerPolicy = policySchema.parse({});
