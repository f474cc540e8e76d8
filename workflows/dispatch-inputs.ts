// The workflow_dispatch inputs the orchestrator sends. The GitHub Actions templates in
// examples/github-workflows declare exactly these (a test keeps them in step).
import type { Color } from './types.js';

/** Correlation id of one dispatch: the deployment id plus the step, e.g. `api-7f3a.deploy`. */
export const correlationIdFor = (deploymentId: string, step: string): string => `${deploymentId}.${step}`;

export interface DeployInputs extends Record<string, string> {
  deployment_id: string;
  color: Color;
  sha: string;
}

export interface SwitchInputs extends Record<string, string> {
  deployment_id: string;
  color: Color;
}

export const DEPLOY_INPUT_NAMES = ['deployment_id', 'color', 'sha'] as const;
export const SWITCH_INPUT_NAMES = ['deployment_id', 'color'] as const;

export const deployInputs = (correlationId: string, color: Color, sha: string): DeployInputs => ({
  deployment_id: correlationId,
  color,
  sha,
});

export const switchInputs = (correlationId: string, color: Color): SwitchInputs => ({
  deployment_id: correlationId,
  color,
});
