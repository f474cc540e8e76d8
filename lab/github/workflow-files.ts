// The text of each workflow file as `GET /repos/{o}/{r}/contents/.github/workflows/<file>` returns
// it: rendered from the registered definition (name, run-name, workflow_dispatch inputs), unless a
// test put another text on one branch (or removed the file there) to seed a misconfiguration.
import { stringify } from 'yaml';
import type { RegisteredWorkflow } from './workflows.js';

export const WORKFLOWS_DIR = '.github/workflows/';

export class WorkflowFiles {
  private readonly onBranch = new Map<string, string | null>();

  /** Replaces the file's text on one branch; null: the file does not exist there; undefined: the rendered one again. */
  set(branch: string, file: string, text: string | null | undefined): void {
    if (text === undefined) this.onBranch.delete(`${branch}\u0000${file}`);
    else this.onBranch.set(`${branch}\u0000${file}`, text);
  }

  text(branch: string, file: string, workflow: RegisteredWorkflow | undefined): string | undefined {
    const key = `${branch}\u0000${file}`;
    if (this.onBranch.has(key)) return this.onBranch.get(key) ?? undefined;
    return workflow ? renderWorkflow(workflow) : undefined;
  }
}

export function renderWorkflow(workflow: RegisteredWorkflow): string {
  const inputs = Object.fromEntries(
    Object.entries(workflow.inputs ?? {}).map(([name, spec]) => [
      name,
      { required: spec.required ?? false, type: spec.type ?? 'string' },
    ]),
  );
  const runName =
    workflow.runName ?? (workflow.inputs?.['deployment_id'] ? `${workflow.name} · \${{ inputs.deployment_id }}` : undefined);
  return stringify({
    name: workflow.name,
    ...(runName ? { 'run-name': runName } : {}),
    on: { workflow_dispatch: workflow.inputs ? { inputs } : null },
    jobs: Object.fromEntries(
      workflow.jobs.map((job) => [
        job.name,
        {
          'runs-on': 'ubuntu-latest',
          ...(job.environment ? { environment: job.environment } : {}),
          steps: job.steps.map((step) => ({ name: step, run: 'true' })),
        },
      ]),
    ),
  });
}
