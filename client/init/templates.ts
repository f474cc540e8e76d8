// The GitHub Actions templates the package ships (examples/github-workflows/): written where a
// repository has no such workflow, and the source of the input declarations `init` asks an
// existing workflow to add, so both say the same thing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Color } from '../../contract/types.js';
import { packageRoot } from '../package-root.js';

export type WorkflowRole = { kind: 'deploy'; color?: Color } | { kind: 'switch' };

/** The template's file name, which is also the default name of the file `init` writes. */
export const templateFile = (role: WorkflowRole): string =>
  role.kind === 'switch' ? 'dns-update.yml' : `deploy-${role.color ?? 'green'}.yml`;

export function templateText(role: WorkflowRole): string {
  return readFileSync(join(packageRoot(), 'examples', 'github-workflows', templateFile(role)), 'utf8');
}

/** The template's declaration of one input (description, required, type, options; a default only for one color). */
export function templateInput(role: WorkflowRole, input: string): Record<string, unknown> {
  const doc = parse(templateText(role)) as { on: { workflow_dispatch: { inputs: Record<string, Record<string, unknown>> } } };
  const spec = { ...doc.on.workflow_dispatch.inputs[input] };
  // A deploy workflow shared by both colors has no color of its own to default to.
  if (role.kind === 'deploy' && role.color === undefined) delete spec['default'];
  if (role.kind === 'deploy' && role.color === undefined && input === 'color')
    spec['description'] = 'Color to deploy (blue or green)';
  return spec;
}

/** The concurrency the templates use: one run per color (deploy) or one at all (switch), never cancelled half-way. */
export function templateConcurrency(role: WorkflowRole): { group: string; 'cancel-in-progress': false } {
  const group = role.kind === 'switch' ? 'bluegreen-dns-update' : `bluegreen-deploy-${role.color ?? '${{ inputs.color }}'}`;
  return { group, 'cancel-in-progress': false };
}
