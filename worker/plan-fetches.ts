// Every URL the worker will request on a plan's behalf, composed exactly as the workflow and
// the activities compose them, each with the plan fields it is made of: the public color
// endpoint, each environment's health and color, the monitor's probes, the plan's own checks,
// every metric source (each placeholder filled with every value it can take). The egress rule
// (worker/policy-egress.ts) judges this list before any request. Pure.
import type { CheckPlan } from '../analysis/types.js';
import { environmentChecks } from '../analysis/checks.js';
import { fillPlaceholders, type MetricSource } from '../analysis/metric-plan.js';
import { metricSourceOf } from '../analysis/registry.js';
import { COLORS, type DeploymentPlan } from '../contract/types.js';

export interface PlanFetch {
  /** The plan fields the URL is made of, e.g. "environments.green.url + verify.healthPath". */
  at: string;
  url: string;
}

/** A commit is not known at plan time: these stand for every SHA (a host made of one is never listed). */
const SHAS = ['0'.repeat(40), 'f'.repeat(40)];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const isAbsolute = (path: string) => /^[a-z][a-z0-9+.-]*:/i.test(path.trim());

/** `url` with its placeholders filled with every value they can take (URL-encoded, as the JSON reader does). */
export function eachFill(plan: DeploymentPlan, url: string, window: unknown, at: string): PlanFetch[] {
  if (!url.includes('{{')) return [{ at, url }];
  return COLORS.flatMap((color) =>
    SHAS.map((sha) => ({
      at,
      url: fillPlaceholders(url, { color, service: text(plan.service), sha, window: text(window) || '1m' }, encodeURIComponent),
    })),
  );
}

/** Every URL a metric source is read from, for every value its placeholders take. */
function sourceFetches(plan: DeploymentPlan, source: MetricSource | undefined, window: unknown, at: string): PlanFetch[] {
  if (!source || typeof source !== 'object') return [];
  const url = text(source.url);
  // A source whose URL is a template is read with its placeholders filled, URL-encoded; another at its URL as it is.
  return metricSourceOf(text(source.type))?.urlTemplate ? eachFill(plan, url, window, at) : [{ at, url }];
}

/** The URLs of one check: a probe's own, or a metric check's sources. */
function checkFetches(plan: DeploymentPlan, check: CheckPlan, at: string): PlanFetch[] {
  if (check && typeof check === 'object' && 'metric' in check) {
    const metric = check.metric as { source?: MetricSource; traffic?: { source?: MetricSource }; window?: unknown };
    return [
      ...sourceFetches(plan, metric?.source, metric?.window, `${at}.metric.source.url`),
      ...sourceFetches(plan, metric?.traffic?.source, metric?.window, `${at}.metric.traffic.source.url`),
    ];
  }
  return [{ at: `${at}.url`, url: text((check as { url?: unknown } | undefined)?.url) }];
}

export function planFetches(plan: DeploymentPlan): PlanFetch[] {
  const fetches: PlanFetch[] = [];
  const publicUrl = text(plan.publicUrl);
  const colorPath = text(plan.colorPath);
  const healthPath = text(plan.verify?.healthPath);
  // The active color is read from the two joined as text (plan, switch, rollback).
  fetches.push({ at: 'publicUrl + colorPath', url: publicUrl + colorPath });
  // Deployments started before the analysis seam join a path that is a URL of its own as that URL.
  if (isAbsolute(healthPath)) fetches.push({ at: 'verify.healthPath', url: healthPath });
  if (isAbsolute(colorPath)) fetches.push({ at: 'colorPath', url: colorPath });
  const environments = (plan.environments ?? {}) as Partial<DeploymentPlan['environments']>;
  // The same joins as the workflow's (analysis/checks.ts), on a copy whose paths are text.
  const joined = { ...plan, colorPath, verify: { ...plan.verify, healthPath } };
  for (const color of COLORS) {
    const base = text(environments[color]?.url);
    const [health, colorCheck] = environmentChecks(joined, base, color);
    fetches.push({ at: `environments.${color}.url + verify.healthPath`, url: text((health as { url: string }).url) });
    fetches.push({ at: `environments.${color}.url + colorPath`, url: text((colorCheck as { url: string }).url) });
  }
  const [publicHealth, publicColor] = environmentChecks(joined, publicUrl, 'blue');
  fetches.push({ at: 'publicUrl + verify.healthPath', url: text((publicHealth as { url: string }).url) });
  fetches.push({ at: 'publicUrl + colorPath', url: text((publicColor as { url: string }).url) });
  for (const phase of ['verify', 'monitor'] as const) {
    list<CheckPlan>(plan.checks?.[phase]).forEach((check, i) =>
      fetches.push(...checkFetches(plan, check, `checks.${phase}.${i}`)),
    );
    list<{ source?: MetricSource; traffic?: { source?: MetricSource }; window?: unknown }>(
      plan.analysis?.[phase]?.metrics,
    ).forEach((metric, i) => {
      const at = `analysis.${phase}.metrics.${i}`;
      fetches.push(...sourceFetches(plan, metric?.source, metric?.window, `${at}.source.url`));
      fetches.push(...sourceFetches(plan, metric?.traffic?.source, metric?.window, `${at}.traffic.source.url`));
    });
  }
  const seen = new Set<string>();
  return fetches.filter((f) => {
    const key = `${f.at}\n${f.url}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
