// The migration workflows of the app-based lab, as a repository of the seeds/000 kind would
// have them in .github/workflows: run by workflow_dispatch, their effect lands on the app's
// database when a run succeeds (a failed run changes nothing).
import type { Color, RunSummary, WorkflowDefinition, WorkflowInputSpec } from '../types.js';
import type { AppRouterApp } from './app.js';

const hookInputs: Record<string, WorkflowInputSpec> = {
  deployment_id: { required: true, type: 'string' },
  app: { required: true, type: 'choice', options: ['blue', 'green'] },
  /** The commit whose migration files run (the deployed one); the lab does not need it. */
  sha: { required: true, type: 'string' },
};

const succeeded = (run: RunSummary): Color | undefined => {
  const app = run.inputs['app'];
  return run.conclusion === 'success' && (app === 'blue' || app === 'green') ? app : undefined;
};

/** `./manage.py migrate <app>`: the expand step, before traffic moves (seed step 4). */
export const migrateExpandWorkflow = (app: AppRouterApp): WorkflowDefinition => ({
  file: 'migrate-expand.yml',
  name: 'Migrate (expand)',
  inputs: hookInputs,
  jobs: [{ name: 'migrate', steps: ['Set up job', 'Checkout', 'Run migrations', 'Complete job'] }],
  onComplete: (run) => {
    const color = succeeded(run);
    if (color) app.migrate(color);
  },
});

/** `./manage.py migrate <app> zero --fake`: the contract / clean-up step (seed step 5). */
export const migrateContractWorkflow = (app: AppRouterApp): WorkflowDefinition => ({
  file: 'migrate-contract.yml',
  name: 'Migrate (contract)',
  inputs: hookInputs,
  jobs: [
    {
      name: 'clean-up',
      steps: ['Set up job', 'Checkout', 'Unapply old app migrations (fake)', 'Remove old app', 'Complete job'],
    },
  ],
  onComplete: (run) => {
    const color = succeeded(run);
    if (color) app.retire(color);
  },
});
