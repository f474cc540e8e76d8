// The activities the worker registers, built from injected clients so the worker owns the
// credentials and tests can point the same code at the lab.
import type { Octokit } from '@octokit/rest';
import type { GitHubRepoRef } from '../workflows/types.js';
import { createDnsActivities, type DnsActivityOptions } from './dns.js';
import { createGitHubActivities, type GitHubActivityOptions } from './github.js';
import { createProbeActivities, type ProbeOptions } from './probes.js';
import { createNotifyActivities, type NotifyActivities, type NotifyActivityOptions } from './notify/index.js';
import { createSwitchActivities } from './switch.js';
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
  /** Notification channels (from the worker policy), their secrets and the Web UI link. */
  notify?: NotifyActivityOptions;
}

export function createActivities(deps: ActivityDeps): BlueGreenActivities & NotifyActivities {
  return {
    ...createGitHubActivities(deps.github, deps.githubOptions),
    ...createProbeActivities(deps.probeOptions),
    ...createSwitchActivities(deps.env ? { env: deps.env } : {}),
    ...createDnsActivities({ ...deps.dnsOptions, ...(deps.env ? { env: deps.env } : {}) }),
    ...createNotifyActivities(deps.notify),
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
export { createSwitchActivities, type SwitchOptions } from './switch.js';
export { createDnsActivities, type DnsActivityOptions } from './dns.js';
export type * from './types.js';
