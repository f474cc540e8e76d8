// The activities the worker registers, built from injected clients so the worker owns the
// credentials and tests can point the same code at the lab.
import type { Octokit } from '@octokit/rest';
import type { GitHubRepoRef } from '../workflows/types.js';
import type { DnsActivityOptions } from '../switches/dns/activities.js';
import { createSwitchTypeActivities } from '../switches/activities.js';
import { createMetricActivities } from '../analysis/metric-activities.js';
import type { SourceOptions } from '../analysis/prometheus/read.js';
import { createGitHubActivities, type GitHubActivityOptions } from './github.js';
import { createProbeActivities, type ProbeOptions } from './probes.js';
import type { BlueGreenActivities } from './types.js';

export interface ActivityDeps {
  /** The GitHub client for a repository (see `createGitHubClientCache`). */
  github: (ref: GitHubRepoRef) => Octokit;
  /** Where `switch.tokenEnv` variables are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Timing knobs of the GitHub activities (tests shorten them). */
  githubOptions?: GitHubActivityOptions;
  /** Timing knobs of the HTTP probes. */
  probeOptions?: ProbeOptions;
  /** Resolvers and timeouts of the DNS switch and verification (`env` is shared). */
  dnsOptions?: Omit<DnsActivityOptions, 'env'>;
  /** Metric analysis: the worker's secret headers per URL, redaction, timeouts and retries. */
  analysisOptions?: SourceOptions;
}

export function createActivities(deps: ActivityDeps): BlueGreenActivities {
  return {
    ...createGitHubActivities(deps.github, deps.githubOptions),
    ...createProbeActivities(deps.probeOptions),
    ...createSwitchTypeActivities({
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.dnsOptions ? { dnsOptions: deps.dnsOptions } : {}),
    }),
    ...createMetricActivities(deps.analysisOptions),
  };
}

export { createGitHubActivities, titleCarriesCorrelationId, type GitHubActivityOptions, type GitHubClientFor } from './github.js';
export { GITHUB_ERROR_TYPES, callGitHub, isRequestError, toGitHubFailure } from './github-errors.js';
export { probeColor, probeEnvironment, probeGet, joinUrl, type ProbeResult } from './http-probe.js';
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
