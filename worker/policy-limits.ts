// The worker policy's `limits:` section: each bound's figure in place of its safe default, the
// plan's own (worker/plan-bounds.ts) by name, each plug-in's under its kind and type:
//   limits:
//     minProbeIntervalMs: 5000
//     maxMonitorDurationMs: 86400000
//     switches: { dns: { maxUpdateTimeoutMs: 600000 } }
import { z } from 'zod';
import type { Bound, Bounds } from '../contract/plugin.js';
import { PLAN_BOUNDS } from './plan-bounds.js';
import { PLUGIN_KINDS } from './plugins.js';

const figures = (bounds: Record<string, Omit<Bound, 'field'>>) =>
  Object.fromEntries(
    Object.entries(bounds).map(([name, bound]) => [
      name,
      z
        .number({ error: `expected a number: ${bound.what}` })
        .min(0, 'expected 0 or more')
        .optional()
        .describe(`${bound.what}; @default ${bound.default}`),
    ]),
  );

const pluginSections = Object.fromEntries(
  PLUGIN_KINDS.map((kind) => [
    kind.name,
    z
      .strictObject(
        Object.fromEntries(
          kind.parts
            .filter((p) => Object.keys(p.bounds as Bounds).length > 0)
            .map((p) => [p.type, z.strictObject(figures(p.bounds as Bounds)).optional()]),
        ),
      )
      .optional(),
  ]),
);

export const limitsSection = z.strictObject({ ...figures(PLAN_BOUNDS), ...pluginSections }).prefault({}) as unknown as z.ZodType<
  LimitsPolicy,
  unknown
>;

/** The `limits:` section as parsed: figures by bound name; plug-ins' by kind, then type. */
export type LimitsPolicy = Record<string, unknown>;

/** The figure in force for a plan bound: the policy's, else the default. */
export function planLimit(limits: LimitsPolicy | undefined, name: keyof typeof PLAN_BOUNDS): number {
  const set = limits?.[name];
  return typeof set === 'number' ? set : PLAN_BOUNDS[name].default;
}

/** The figures in force for one plug-in's bounds: the policy's (limits.<kind>.<type>.<name>), else the defaults. */
export function pluginLimits(
  limits: LimitsPolicy | undefined,
  kind: string,
  type: string,
  bounds: Bounds,
): Record<string, number> {
  const set = (limits?.[kind] as Record<string, Record<string, number | undefined> | undefined> | undefined)?.[type] ?? {};
  return Object.fromEntries(Object.entries(bounds).map(([name, bound]) => [name, set[name] ?? bound.default]));
}
