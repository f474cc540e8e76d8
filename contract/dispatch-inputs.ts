// The workflow_dispatch inputs the orchestrator sends. The GitHub Actions templates in
// examples/github-workflows declare exactly these (a test keeps them in step).
import type { Color } from './types.js';

export interface DeployInputs extends Record<string, string> {
  deployment_id: string;
  color: Color;
  sha: string;
}

export interface SwitchInputs extends Record<string, string> {
  deployment_id: string;
  color: Color;
}

/** The optional input a switch workflow declares for progressive traffic (switch.steps). */
export const SWITCH_WEIGHT_INPUT = 'weight';

export const DEPLOY_INPUT_NAMES = ['deployment_id', 'color', 'sha'] as const;
export const SWITCH_INPUT_NAMES = ['deployment_id', 'color'] as const;

export const deployInputs = (correlationId: string, color: Color, sha: string): DeployInputs => ({
  deployment_id: correlationId,
  color,
  sha,
});

/** `weight` (the percent `color` gets) only for a plan with steps, whose switch workflow declares it. */
export const switchInputs = (correlationId: string, color: Color, weight?: number): SwitchInputs => ({
  deployment_id: correlationId,
  color,
  ...(weight !== undefined ? { [SWITCH_WEIGHT_INPUT]: String(weight) } : {}),
});

/**
 * Placeholders a hook's inputs may use, filled in when the hook runs: the same hook serves a
 * deployment to either color (`migrate {{newColor}}` before the switch, `migrate {{oldColor}}
 * zero --fake` after it).
 */
export const HOOK_PLACEHOLDERS = ['newColor', 'oldColor', 'sha'] as const;
export type HookPlaceholder = (typeof HOOK_PLACEHOLDERS)[number];
export const HOOK_PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** A hook's configured inputs with placeholders filled in, plus its `deployment_id`. */
export function hookInputs(
  configured: Record<string, string>,
  values: Record<HookPlaceholder, string>,
  correlationId: string,
): Record<string, string> {
  const fill = (text: string) =>
    text.replace(HOOK_PLACEHOLDER_PATTERN, (whole, name: string) => (name in values ? values[name as HookPlaceholder] : whole));
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(configured)) inputs[key] = fill(value);
  inputs['deployment_id'] = correlationId;
  return inputs;
}
