// The worker policy, bluegreen-worker.yaml (path from BLUEGREEN_WORKER_POLICY): what this
// worker's credentials may touch and who may approve what. Read and validated once at worker
// start; every problem is reported at once with its field path, in the same words as
// bluegreen.yaml's (the zod issue formatter and YAML reader are client/config.ts's). A worker
// without a policy file serves only api.github.com, no router and no DNS update, and requires
// an approval named by the plan (DEFAULT_POLICY).
//
// The API other parts use (see docs/security.md):
//   loadWorkerPolicy(env)            → { policy, source }   (throws ConfigError)
//   parseWorkerPolicy(text, source)  → WorkerPolicy          (throws ConfigError)
//   secretVariables(policy)          → the variables the secret store reads at start
//   checkPlanAgainstPolicy(plan, policy), effectiveApprovalPolicy(planApproval, servicePolicy),
//   servicePolicyFor                 (worker/policy-rules.ts, pure)
//   planTouches(plan, policy)        → what each plug-in fetches or touches (worker/plan-check.ts)
import { locateProblems } from '../config/positions.js';
import { ConfigError, readCappedFile, readYamlDocument, toProblems, type ConfigProblem } from '../config/yaml.js';
import { DEFAULT_POLICY, policySchema, type WorkerPolicy } from './policy-schema.js';
import { PLUGIN_KINDS } from './plugins.js';
import { channelSecretFields } from '../notify/policy.js';

export * from './policy-rules.js';
export { planTouches, pluginNotices, pluginProblems, planBoundProblems, type PluginTouches } from './plan-check.js';
export * from './policy-schema.js';
export { secretStore, takeSecrets, SecretMissingError, type SecretStore } from './secrets.js';

export const POLICY_PATH_VARIABLE = 'BLUEGREEN_WORKER_POLICY';
const MAX_POLICY_BYTES = 256 * 1024;

/**
 * The worker's own credentials, always taken into the secret store (and out of the
 * environment) at start, whether or not a policy names them.
 */
export const WORKER_CREDENTIAL_VARIABLES = [
  'GITHUB_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'BLUEGREEN_CODEC_KEY',
  'BLUEGREEN_CODEC_PREVIOUS_KEYS',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'GITHUB_WEBHOOK_SECRET',
] as const;

export interface LoadedPolicy {
  policy: WorkerPolicy;
  /** The file it came from; undefined for the built-in default. */
  source?: string;
}

/** Reads the file BLUEGREEN_WORKER_POLICY names, or returns the default policy when unset. */
export async function loadWorkerPolicy(env: NodeJS.ProcessEnv = process.env): Promise<LoadedPolicy> {
  const path = env[POLICY_PATH_VARIABLE]?.trim();
  if (!path) return { policy: DEFAULT_POLICY };
  const bytes = await readCappedFile(path, {
    what: 'the worker policy',
    kind: 'a policy file',
    maxBytes: MAX_POLICY_BYTES,
    missing: `no such file (${POLICY_PATH_VARIABLE} names it)`,
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(path, [{ path: '', message: 'cannot read the worker policy: is not valid UTF-8 text' }]);
  }
  return { policy: parseWorkerPolicy(text, path, env), source: path };
}

/**
 * Validates policy text. With `env`, a secret variable the policy names but the environment
 * lacks is a problem too (the worker would otherwise fail at the first switch, hours later).
 */
export function parseWorkerPolicy(text: string, source: string, env?: NodeJS.ProcessEnv): WorkerPolicy {
  const { value, doc, counter } = readYamlDocument(text, source);
  const raw = value ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '', message: 'expected a YAML mapping with github, routers, dns, services' }]);
  }
  const result = policySchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => toProblems(issue, policySchema));
    throw new ConfigError(source, locateProblems(problems, doc, counter));
  }
  const problems = [...policyCrossProblems(result.data), ...(env ? missingSecretProblems(result.data, env) : [])];
  if (problems.length > 0) throw new ConfigError(source, problems);
  return result.data;
}

/** Every environment variable the policy names as holding a secret, with its field path. */
export function policySecretFields(policy: WorkerPolicy): Array<{ path: string; envName: string }> {
  return [
    ...pluginSections(policy).flatMap(({ part, section }) => part.secrets?.(section) ?? []),
    ...policy.notifications.flatMap((n, i) => channelSecretFields(n, `notifications.${i}`)),
    ...policy.metrics.flatMap((m, i) =>
      Object.entries(m.headers).map(([header, envName]) => ({ path: `metrics.${i}.headers.${header}`, envName })),
    ),
    ...policy.secrets.map((envName, i) => ({ path: `secrets.${i}`, envName })),
  ];
}

/** Each registered plug-in's own section of the policy, with its worker part. */
const pluginSections = (policy: WorkerPolicy) =>
  PLUGIN_KINDS.flatMap((kind) =>
    kind.parts.flatMap((part) => (part.policy ? [{ part, section: (policy as Record<string, unknown>)[part.policy.key] }] : [])),
  );

/** The variables the secret store takes at worker start: the worker's credentials and the policy's. */
export function secretVariables(policy: WorkerPolicy): string[] {
  return [...new Set([...WORKER_CREDENTIAL_VARIABLES, ...policySecretFields(policy).map((f) => f.envName)])];
}

function missingSecretProblems(policy: WorkerPolicy, env: NodeJS.ProcessEnv): ConfigProblem[] {
  return policySecretFields(policy)
    .filter((field) => !env[field.envName]?.trim())
    .map((field) => ({
      path: field.path,
      message: `names ${field.envName}, which is not set in the worker's environment`,
    }));
}

function policyCrossProblems(policy: WorkerPolicy): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const twice = (values: string[]) => values.findIndex((v, i) => values.indexOf(v) !== i);
  for (const { part, section } of pluginSections(policy)) problems.push(...(part.sectionProblems?.(section) ?? []));
  const channel = twice(policy.notifications.map((n) => n.name));
  if (channel >= 0) {
    problems.push({
      path: `notifications.${channel}.name`,
      message: `channel ${policy.notifications[channel]!.name} is listed twice`,
    });
  }
  const service = twice(policy.services.map((s) => s.match));
  if (service >= 0) {
    problems.push({
      path: `services.${service}.match`,
      message: `"${policy.services[service]!.match}" is listed twice: the second never applies`,
    });
  }
  return problems;
}

/** One line for the worker's start-up message. */
export function describePolicy(loaded: LoadedPolicy): string {
  const { policy } = loaded;
  return (
    `policy ${loaded.source ?? '(built-in default)'}: GitHub ${policy.github.apiRoots.join(', ')}, ` +
    `${policy.routers.length} router${policy.routers.length === 1 ? '' : 's'}, ${policy.dns.zones.length} DNS zone${policy.dns.zones.length === 1 ? '' : 's'}, ` +
    (policy.egress
      ? `egress ${policy.egress.length} entr${policy.egress.length === 1 ? 'y' : 'ies'}`
      : "egress not listed (WARNING: plans may fetch any path on their own environments' and public URL's hosts; list egress in production)")
  );
}
