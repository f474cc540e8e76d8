// The checks a phase runs, from the plan: health and color always (of the target environment
// for verify, of the public endpoint for monitor), then the plan's own (`plan.checks`).
// Sandbox-safe: the workflow builds these lists.
import type { Color, DeploymentPlan } from '../contract/types.js';
import type { CheckPlan } from './types.js';

const join = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;

/** Health and color of the environment at `baseUrl`. */
export const environmentChecks = (plan: DeploymentPlan, baseUrl: string, expect: Color): CheckPlan[] => [
  { provider: 'http-health', name: 'health', url: join(baseUrl, plan.verify.healthPath) },
  { provider: 'color', name: 'color', url: join(baseUrl, plan.colorPath), expect },
];

export const verifyChecksOf = (plan: DeploymentPlan, target: Color): CheckPlan[] => [
  ...environmentChecks(plan, plan.environments[target].url, target),
  ...(plan.checks?.verify ?? []),
];

export const monitorChecksOf = (plan: DeploymentPlan, target: Color): CheckPlan[] => [
  ...environmentChecks(plan, plan.publicUrl, target),
  ...(plan.checks?.monitor ?? []),
];
