// The activities the worker registers, built from injected clients so the worker owns the
// credentials and tests can point the same code at the lab.
import { createApprovalActivities } from './github-approvals.js';
import type { DnsActivityOptions } from '../switches/dns/activities.js';
import { createSwitchTypeActivities } from '../switches/activities.js';
import { createGitHubActivities, type GitHubActivityOptions, type GitHubClientFor } from './github.js';
import { createProbeActivities, type ProbeOptions } from './probes.js';
import { createAnalysisActivities } from '../analysis/activities.js';
import type { BlueGreenActivities } from './types.js';

export interface ActivityDeps {
  /** The GitHub client for a repository (see `createGitHubClientCache`). */
  github: GitHubClientFor;
  /** Where `switch.tokenEnv` variables are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Timing knobs of the GitHub activities (tests shorten them). */
  githubOptions?: GitHubActivityOptions;
  /** Timing knobs of the HTTP probes. */
  probeOptions?: ProbeOptions;
  /** Resolvers and timeouts of the DNS switch and verification (`env` is shared). */
  dnsOptions?: Omit<DnsActivityOptions, 'env'>;
}

export function createActivities(deps: ActivityDeps): BlueGreenActivities {
  return {
    ...createGitHubActivities(deps.github, deps.githubOptions),
    ...createApprovalActivities(deps.github),
    ...createProbeActivities(deps.probeOptions),
    ...createAnalysisActivities({
      ...(deps.probeOptions?.probeTimeoutMs !== undefined ? { probeTimeoutMs: deps.probeOptions.probeTimeoutMs } : {}),
      ...(deps.env ? { env: deps.env } : {}),
    }),
    ...createSwitchTypeActivities({
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.dnsOptions ? { dnsOptions: deps.dnsOptions } : {}),
    }),
  };
}

export { createGitHubActivities, titleCarriesCorrelationId, type GitHubActivityOptions, type GitHubClientFor } from './github.js';
export { GITHUB_ERROR_TYPES, NON_RETRYABLE_GITHUB_ERRORS, callGitHub, isRequestError, toGitHubFailure } from './github-errors.js';
export { probeColor, probeGet, joinUrl, type ProbeResult } from './http-probe.js';
export {
  BlueGreenOctokit,
  createGitHubClient,
  createGitHubClientCache,
  githubAuthFromEnv,
  type GitHubAuth,
  type GitHubClient,
  type GitHubClientOptions,
} from './octokit.js';
export { createProbeActivities, type MonitorProgress, type ProbeOptions } from './probes.js';
export { createSwitchActivities, type SwitchOptions } from '../switches/http/activities.js';
export { createDnsActivities, type DnsActivityOptions } from '../switches/dns/activities.js';
export type * from './types.js';
