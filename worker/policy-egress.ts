// The egress rule: which URLs the worker may request on a plan's behalf. The `egress` section
// of bluegreen-worker.yaml lists URL prefixes per service:
//
//   egress:
//     - match: "datatruck-*"
//       urls: ["https://blue.datatruck.internal", "https://green.datatruck.internal", "https://api.datatruck.com"]
//     - match: "*"
//       urls: ["https://prometheus.internal:9090/api/v1"]
//
// Every entry whose `match` fits the service adds its prefixes; the policy's own metric
// providers (`metrics[].url`) and routers are reachable by every plan. Without an `egress`
// section a plan may reach only its own environments' and public endpoint's hosts (any path
// there) and those listed URLs: the worker cannot tell a deployer's hosts from an attacker's,
// so production lists its prefixes (docs/security.md). Link-local and cloud-metadata
// addresses are refused whatever is listed, here by name and spelling, and at connect time by
// the guarded fetch (activities/guarded-fetch.ts) by the address actually connected to.
import { z } from 'zod';
import { forbiddenHost } from '../activities/forbidden-addresses.js';
import { planHeaderProblem } from '../analysis/metric-headers.js';
import { listed, policyUrl } from '../config/policy-fields.js';
import { globMatches, urlUnderPrefix } from '../contract/patterns.js';
import type { DeploymentPlan } from '../contract/types.js';
import { eachFill, planFetches, type PlanFetch } from './plan-fetches.js';

export const egressEntry = z.strictObject({
  /** Service name or pattern (`*` any characters, `?` one). @example "datatruck-*" */
  match: z
    .string({ error: 'expected a service name or pattern, like "datatruck-api" or "datatruck-*"' })
    .regex(
      /^[a-z0-9.*?_-]{1,63}$/,
      'expected a service name or pattern (lowercase, digits, ".", "_", "-", "*", "?"), like "datatruck-*"',
    ),
  /** URL prefixes its plans may fetch: probes, public endpoint, checks, metric sources. A port of `*` is any port. */
  urls: z.array(policyUrl).min(1, 'list at least one URL prefix').max(256),
});

/**
 * URL prefixes per service that plans may fetch. Absent: each plan only its own environments'
 * and public URL's hosts (a trial worker; the worker warns at start).
 * @default absent
 */
export const egressSection = z.array(egressEntry).max(256).optional();

/** What the egress rule reads of the policy. */
export interface EgressPolicy {
  egress?: z.output<typeof egressSection>;
  metrics: Array<{ url: string }>;
  routers?: Array<{ url: string }>;
}

/** The prefixes `service`'s plans may fetch, and where the policy says so (for the error text). */
export function egressPrefixes(policy: EgressPolicy, plan: DeploymentPlan): { prefixes: string[]; source: string } {
  const shared = [...policy.metrics.map((m) => m.url), ...(policy.routers ?? []).map((r) => r.url)];
  if (policy.egress) {
    const listedHere = policy.egress.filter((entry) => globMatches(entry.match, plan.service)).flatMap((entry) => entry.urls);
    return {
      prefixes: [...listedHere, ...shared],
      source: `egress entries matching ${plan.service}, metrics[].url, routers[].url`,
    };
  }
  const own = [plan.publicUrl, plan.environments?.blue?.url, plan.environments?.green?.url].flatMap((url) => originOf(url) ?? []);
  return {
    prefixes: [...own, ...shared],
    source: "no egress section: the plan's own environments' and public URL's hosts, metrics[].url, routers[].url",
  };
}

const originOf = (url: unknown): string | undefined => {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
};

/** Why the worker does not fetch this URL for this plan, or undefined. */
function fetchProblem(fetch: PlanFetch, prefixes: string[], source: string, service: string): string | undefined {
  let url: URL;
  try {
    url = new URL(fetch.url);
  } catch {
    return `${fetch.at}: ${JSON.stringify(fetch.url.slice(0, 200))} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${fetch.at}: ${url.protocol} URLs are not fetched`;
  if (url.username || url.password) return `${fetch.at}: ${url.host}: a URL with a user or password is not fetched`;
  const refused = forbiddenHost(url.hostname);
  if (refused) return `${fetch.at}: ${url.href} is never fetched: ${refused}`;
  if (prefixes.some((prefix) => urlUnderPrefix(prefix, url.href))) return undefined;
  return `${fetch.at}: the worker's policy does not let ${service} fetch ${url.href} (${source}: ${listed(prefixes)})`;
}

/** Every URL of the plan the egress rule refuses, one sentence each naming its plan field. */
export function egressProblems(plan: DeploymentPlan, policy: EgressPolicy, extra: PlanFetch[] = []): string[] {
  const { prefixes, source } = egressPrefixes(policy, plan);
  const own = planFetches(plan);
  // What the plug-ins say they fetch (`planTouches`), unless the plan's own list named it already.
  const known = new Set(own.map((f) => f.url));
  const touched = extra.flatMap((f) => eachFill(plan, f.url, undefined, f.at)).filter((f) => !known.has(f.url));
  const problems = [...own, ...touched].flatMap((f) => fetchProblem(f, prefixes, source, plan.service) ?? []);
  return [...new Set(problems)];
}

/** Every plan-set request header that is not allowed (metric sources), naming its field. */
export function planHeaderProblems(plan: DeploymentPlan): string[] {
  const problems: string[] = [];
  const check = (headers: unknown, at: string) => {
    if (headers === undefined) return;
    if (!headers || typeof headers !== 'object' || Array.isArray(headers)) {
      problems.push(`${at}: expected a mapping of header names to values`);
      return;
    }
    for (const [name, value] of Object.entries(headers)) {
      const problem = planHeaderProblem(name, value);
      if (problem) problems.push(`${at}: ${problem}`);
    }
  };
  for (const phase of ['verify', 'monitor'] as const) {
    const metrics = plan.analysis?.[phase]?.metrics;
    (Array.isArray(metrics) ? metrics : []).forEach((metric, i) => {
      check(metric?.source?.headers, `analysis.${phase}.metrics.${i}.source.headers`);
      check(metric?.traffic?.source?.headers, `analysis.${phase}.metrics.${i}.traffic.source.headers`);
    });
    const checks = plan.checks?.[phase];
    (Array.isArray(checks) ? checks : []).forEach((c, i) => {
      if (!c || typeof c !== 'object' || !('metric' in c)) return;
      check(c.metric?.source?.headers, `checks.${phase}.${i}.metric.source.headers`);
      check(c.metric?.traffic?.source?.headers, `checks.${phase}.${i}.metric.traffic.source.headers`);
    });
  }
  return [...new Set(problems)];
}
