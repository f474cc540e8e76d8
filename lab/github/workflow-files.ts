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

  /** Every workflow file on one branch, by name: the registered ones and those a test put there. */
  list(branch: string, registered: readonly RegisteredWorkflow[]): Array<{ file: string; text: string }> {
    const names = new Set(registered.map((workflow) => workflow.file));
    for (const key of this.onBranch.keys()) {
      const [onBranch, file] = key.split('\u0000') as [string, string];
      if (onBranch === branch) names.add(file);
    }
    return [...names]
      .sort()
      .map((file) => ({
        file,
        text: this.text(
          branch,
          file,
          registered.find((w) => w.file === file),
        ),
      }))
      .filter((entry): entry is { file: string; text: string } => entry.text !== undefined);
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
