// The workflow_dispatch inputs of the QA gate (examples/github-workflows/qa-gate.yml, approval
// via GitHub). The gate run's title carries the deployment id and the SHA, which is how an
// approval read back from GitHub is bound to the build it was given for.
import type { Color } from './types.js';

export interface GateInputs extends Record<string, string> {
  deployment_id: string;
  color: Color;
  sha: string;
  url: string;
}

export const GATE_INPUT_NAMES = ['deployment_id', 'color', 'sha', 'url'] as const;

export const gateInputs = (correlationId: string, color: Color, sha: string, url: string): GateInputs => ({
  deployment_id: correlationId,
  color,
  sha,
  url,
});
