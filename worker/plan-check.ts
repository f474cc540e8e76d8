// The worker's check of a plan as untrusted input, derived from the plug-in registries
// (worker/plugins.ts): every plug-in a plan uses must be registered; its part must fit the
// part's schema, its bounds and its policy rules; the plan as a whole must fit its bounds
// (worker/plan-bounds.ts). Each problem is one sentence naming the plan field. Pure: the plan
// phase's check activity, `bluegreen validate` and the tests get the same answer.
import type { Bounds, PlanTouches } from '../contract/plugin.js';
import { orList } from '../contract/format.js';
import type { DeploymentPlan } from '../contract/types.js';
import { boundProblem, PLAN_BOUNDS } from './plan-bounds.js';
import { planLimit, pluginLimits } from './policy-limits.js';
import { PLUGIN_KINDS, type PluginKind, type PluginUse } from './plugins.js';
import type { WorkerPolicy } from './policy-schema.js';

/** One use of a registered plug-in, with its worker part and the context its rules get. */
function resolved(kind: PluginKind, use: PluginUse, plan: DeploymentPlan, policy: WorkerPolicy) {
  const part = kind.parts.find((p) => p.type === use.type || p.aliases?.includes(use.type) === true);
  if (!part) return undefined;
  const section = part.policy ? (policy as Record<string, unknown>)[part.policy.key] : undefined;
  const limits = pluginLimits(policy.limits, kind.name, part.type, part.bounds as Bounds);
  return { part, context: { section, limits, at: use.at, plan } };
}

const valueAt = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);

/** Every problem of the plugins' parts of a plan: unregistered types, schema, bounds, policy rules. */
export function pluginProblems(plan: DeploymentPlan, policy: WorkerPolicy): string[] {
  const problems: string[] = [];
  for (const kind of PLUGIN_KINDS) {
    for (const use of kind.uses(plan)) {
      const found = resolved(kind, use, plan, policy);
      if (!found) {
        problems.push(
          `${use.typeAt} ${JSON.stringify(use.type ?? null)} is not a registered ${kind.what} (known: ${orList(kind.parts.map((p) => `"${p.type}"`))})`,
        );
        continue;
      }
      const { part, context } = found;
      const parsed = part.plan.safeParse(use.part);
      if (!parsed.success) {
        for (const issue of parsed.error.issues.slice(0, 5))
          problems.push(`${[use.at, ...issue.path.map(String)].join('.')}: ${issue.message}`);
        continue;
      }
      for (const [name, bound] of Object.entries(part.bounds as Bounds)) {
        const at = `${use.at}.${bound.field}`;
        const problem = boundProblem(
          at,
          valueAt(use.part, bound.field),
          bound,
          context.limits[name]!,
          `limits.${kind.name}.${part.type}.${name}`,
        );
        if (problem) problems.push(problem);
      }
      problems.push(...part.problems(use.part, context));
    }
  }
  return problems;
}

/**
 * Old words a plan's plug-in parts still read, one sentence each: a type under a former name
 * (an alias), and what a part's own `notices` find. Logged by the plan check, never refused.
 */
export function pluginNotices(plan: DeploymentPlan): string[] {
  return PLUGIN_KINDS.flatMap((kind) =>
    kind.uses(plan).flatMap((use) => {
      const part = kind.parts.find((p) => p.type === use.type || p.aliases?.includes(use.type) === true);
      if (!part || !part.plan.safeParse(use.part).success) return [];
      return [
        ...(part.type !== use.type
          ? [`${use.typeAt}: "${use.type}" is now called "${part.type}": it still reads, a later release drops the old name`]
          : []),
        ...(part.notices?.(use.part, use.at) ?? []),
      ];
    }),
  );
}

/** Every number of the plan as a whole outside its bound (worker/plan-bounds.ts). */
export function planBoundProblems(plan: DeploymentPlan, policy: WorkerPolicy): string[] {
  return Object.entries(PLAN_BOUNDS).flatMap(([name, bound]) => {
    const limit = planLimit(policy.limits, name as keyof typeof PLAN_BOUNDS);
    let values: Array<{ at: string; value: number | undefined }>;
    try {
      values = bound.values(plan);
    } catch {
      return [`the plan's shape is broken where ${bound.what} is read`];
    }
    return values.flatMap(({ at, value }) => boundProblem(at, value, bound, limit, `limits.${name}`) ?? []);
  });
}

/** What a plug-in of the plan will fetch or touch, with where the plan asks for it. */
export interface PluginTouches extends PlanTouches {
  /** The plan field of the part, e.g. "switch". */
  at: string;
  /** Its kind (`switches`, `checks`, `metrics`, `channels`) and type. */
  kind: string;
  type: string;
}

/**
 * What every registered plug-in of the plan will fetch or touch on its behalf: URLs, credential
 * names, other targets, per part (the egress rule checks the URLs against the policy).
 * Unregistered parts are left out: `pluginProblems` refuses them.
 */
export function planTouches(plan: DeploymentPlan, policy: WorkerPolicy): PluginTouches[] {
  return PLUGIN_KINDS.flatMap((kind) =>
    kind.uses(plan).flatMap((use) => {
      const found = resolved(kind, use, plan, policy);
      if (!found || !found.part.plan.safeParse(use.part).success) return [];
      return [{ at: use.at, kind: kind.name, type: use.type, ...found.part.touches(use.part, found.context) }];
    }),
  );
}
