// The four plug-in kinds as the worker sees them: each kind's registered worker parts
// (contract/plugin.ts, loaded from its registry) and where a plan uses them. The plan check
// (worker/plan-check.ts), the policy schema's sections and `limits` (worker/policy-schema.ts) and
// the egress rule (`planTouches`) are derived from this table; a plug-in is added in its folder
// and its registry, never here.
import type { PolicyPart } from '../contract/plugin.js';
import type { DeploymentPlan } from '../contract/types.js';
import { PROVIDERS } from '../analysis/registry.js';
import { SWITCH_POLICIES } from '../switches/policy.js';

/** One use of a plug-in by a plan: its part, where it sits, and the type it names. */
export interface PluginUse {
  /** The plan field of the part, e.g. "switch", "checks.verify.0". */
  at: string;
  /** The field naming its type, e.g. "switch.type". */
  typeAt: string;
  type: string;
  part: unknown;
}

export interface PluginKind {
  /** Its key under the policy's `limits`, e.g. "switches". */
  name: string;
  /** What one of them is called in error texts, e.g. "switch type". */
  what: string;
  parts: readonly PolicyPart<any, any, any, any>[];
  uses: (plan: DeploymentPlan) => PluginUse[];
}

export const PLUGIN_KINDS: readonly PluginKind[] = [
  {
    name: 'switches',
    what: 'switch type',
    parts: SWITCH_POLICIES,
    uses: (plan) => [{ at: 'switch', typeAt: 'switch.type', type: plan.switch?.type, part: plan.switch }],
  },
  {
    name: 'checks',
    what: 'check provider',
    parts: PROVIDERS.map((p) => p.policy),
    uses: (plan) =>
      (['verify', 'monitor'] as const).flatMap((phase) =>
        (plan.checks?.[phase] ?? []).map((check, i) => ({
          at: `checks.${phase}.${i}`,
          typeAt: `checks.${phase}.${i}.provider`,
          type: check?.provider,
          part: check,
        })),
      ),
  },
  {
    name: 'metrics',
    what: 'metric source type',
    parts: PROVIDERS.flatMap((p) => ('source' in p && p.source ? [p.source.policy as PolicyPart<unknown>] : [])),
    uses: (plan) =>
      (['verify', 'monitor'] as const).flatMap((phase) =>
        (plan.analysis?.[phase]?.metrics ?? []).flatMap((metric, i) => {
          const at = `analysis.${phase}.metrics.${i}`;
          const sources = [
            { at: `${at}.source`, source: metric?.source },
            ...(metric?.traffic ? [{ at: `${at}.traffic.source`, source: metric.traffic.source }] : []),
          ];
          return sources.map(({ at, source }) => ({ at, typeAt: `${at}.type`, type: source?.type, part: source }));
        }),
      ),
  },
];
