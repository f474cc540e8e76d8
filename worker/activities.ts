// The activities the worker registers, built from injected clients so the worker owns the
// credentials and tests can point the same code at the lab.
import { createApprovalActivities } from '../activities/github-approvals.js';
import { createSwitchTypeActivities } from '../switches/activities.js';
import type { SwitchTypeOptions } from '../switches/activity-types.js';
import { createMetricActivities, metricMeasureContext } from '../analysis/metric-activities.js';
import { createMonitorWindowActivity } from '../analysis/monitor-window.js';
import { createVerifyWindowActivity } from '../analysis/verify-window.js';
import { metricHeadersFor } from '../analysis/metric-headers.js';
import type { SourceOptions } from '../analysis/metric-measure.js';
import { createGitHubActivities, type GitHubActivityOptions, type GitHubClientFor } from '../activities/github.js';
import type { SecretStore } from './secrets.js';
import { DEFAULT_POLICY, type WorkerPolicy } from './policy-schema.js';
import { createPlanReadActivities } from '../activities/plan-reads.js';
import { createPolicyActivities } from './policy-activities.js';
import { createProbeActivities, type ProbeOptions } from '../analysis/probes.js';
import { createSwitchScheduleActivities } from './switch-schedule.js';
import { checkMeasureContext, createAnalysisActivities, type AnalysisOptions } from '../analysis/activities.js';
import type { BlueGreenActivities } from '../workflows/activity-types.js';
import {
  channelsFromPolicy,
  createNotifyActivities,
  type NotifyActivities,
  type NotifyActivityOptions,
} from '../notify/activities.js';

export interface ActivityDeps {
  /** The GitHub client for a repository (see `createGitHubClientCache`). */
  github: GitHubClientFor;
  /**
   * What this worker's credentials may touch (bluegreen-worker.yaml). Plans outside it end
   * FAILED in plan; the switch activities take routers, keys and token variables from it.
   * @default DEFAULT_POLICY (api.github.com only, no router, no DNS update)
   */
  policy?: WorkerPolicy;
  /** The secrets read at worker start (router tokens, TSIG secrets). @default the `env` values */
  secrets?: SecretStore;
  /** Where secrets are read when no `secrets` store is given (tests). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Timing knobs of the GitHub activities (tests shorten them). */
  githubOptions?: GitHubActivityOptions;
  /** Timing knobs of the HTTP probes. */
  probeOptions?: ProbeOptions;
  /**
   * Each switch type's own activity options (the credentials above are shared), e.g. the DNS
   * switch's and verification's resolvers and timeouts: `{ dns: { resolvers: ['127.0.0.1:5300'] } }`.
   * @default each type's defaults
   */
  switchOptions?: SwitchTypeOptions;
  /** Metric analysis: the worker's secret headers per URL, redaction, timeouts and retries. */
  analysisOptions?: SourceOptions;
  /** Notifications: the Web UI link, timeouts; channels and secrets default to the policy's and the store's. */
  notify?: NotifyActivityOptions;
}

export function createActivities(deps: ActivityDeps): BlueGreenActivities & NotifyActivities {
  const policy = createPolicyActivities(deps.policy);
  const github = createGitHubActivities(deps.github, deps.githubOptions);
  const probes = createProbeActivities(deps.probeOptions);
  const checkOptions: AnalysisOptions = {
    ...(deps.probeOptions?.probeTimeoutMs !== undefined ? { probeTimeoutMs: deps.probeOptions.probeTimeoutMs } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  };
  // Metric providers get their secret headers from the worker's policy, by URL prefix only.
  const metricOptions: SourceOptions = {
    ...(deps.policy && deps.secrets
      ? {
          headersFor: metricHeadersFor(deps.policy.metrics, deps.secrets),
          redact: (text: string) => deps.secrets!.redact(text),
        }
      : {}),
    ...deps.analysisOptions,
  };
  return {
    ...policy,
    ...github,
    ...createPlanReadActivities({ ...policy, ...github, ...probes }),
    ...createApprovalActivities(deps.github),
    ...probes,
    ...createAnalysisActivities(checkOptions),
    ...createSwitchTypeActivities({
      policy: deps.policy ?? DEFAULT_POLICY,
      ...(deps.secrets ? { secrets: deps.secrets } : {}),
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.switchOptions ? { types: deps.switchOptions } : {}),
    }),
    ...createSwitchScheduleActivities(deps.policy?.windows),
    ...createMetricActivities(metricOptions),
    // monitor with metrics: probes and metrics in one activity (analysis/monitor-window.ts).
    ...createMonitorWindowActivity(checkMeasureContext(checkOptions), metricMeasureContext(metricOptions)),
    // verify with metrics: the checks, then the metrics, in one activity (analysis/verify-window.ts).
    ...createVerifyWindowActivity(checkMeasureContext(checkOptions), metricMeasureContext(metricOptions)),
    // Notification channels are the policy's; their URLs and keys come from the secret store.
    ...createNotifyActivities({
      ...(deps.policy ? { channels: channelsFromPolicy(deps.policy.notifications) } : {}),
      ...(deps.secrets ? { secrets: (name: string) => deps.secrets!.find(name) } : {}),
      ...deps.notify,
    }),
  };
}

export {
  createGitHubActivities,
  titleCarriesCorrelationId,
  type GitHubActivityOptions,
  type GitHubClientFor,
} from '../activities/github.js';
export {
  GITHUB_ERROR_TYPES,
  NON_RETRYABLE_GITHUB_ERRORS,
  callGitHub,
  isRequestError,
  toGitHubFailure,
} from '../activities/github-errors.js';
export { probeColor, probeGet, joinUrl, type ProbeResult } from '../activities/http-probe.js';
export {
  BlueGreenOctokit,
  createGitHubClient,
  createGitHubClientCache,
  githubAuthFromEnv,
  type GitHubAuth,
  type GitHubClient,
  type GitHubClientOptions,
} from '../activities/octokit.js';
export { createProbeActivities, type MonitorProgress, type ProbeOptions } from '../analysis/probes.js';
export { createSwitchActivities, type SwitchOptions } from '../switches/http/activities.js';
export { createDnsActivities, type DnsActivityOptions } from '../switches/dns/activities.js';
export type * from '../activities/types.js';
