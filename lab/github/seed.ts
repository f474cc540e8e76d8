// The repository and workflows a fresh lab starts with: the setup of seeds/002 (a deploy
// workflow per color and a DNS Update workflow, all run by workflow_dispatch).
import type { Color, WorkflowDefinition } from '../types.js';
import type { RepoModel } from './repo-model.js';

const capitalized = (color: Color): string => color[0]!.toUpperCase() + color.slice(1);

export function deployWorkflow(color: Color): WorkflowDefinition {
  return {
    file: `deploy-${color}.yml`,
    name: `Deployment to ${capitalized(color)}`,
    inputs: {
      deployment_id: { required: true, type: 'string' },
      color: { required: true, type: 'choice', options: ['blue', 'green'] },
      sha: { required: true, type: 'string' },
    },
    jobs: [
      { name: 'build', steps: ['Set up job', 'Checkout', 'Build image', 'Push image', 'Complete job'] },
      { name: 'deploy', steps: ['Set up job', 'Checkout', 'Run migrations', `Deploy to ${color}`, 'Smoke test', 'Complete job'] },
    ],
    effect: { type: 'deploy', color },
  };
}

export const dnsUpdateWorkflow: WorkflowDefinition = {
  file: 'dns-update.yml',
  name: 'DNS Update',
  inputs: {
    deployment_id: { required: true, type: 'string' },
    color: { required: true, type: 'choice', options: ['blue', 'green'] },
    weight: { required: false, type: 'string', default: '100' },
  },
  jobs: [{ name: 'update-dns', steps: ['Set up job', 'Update DNS record', 'Complete job'] }],
  effect: { type: 'switch' },
};

export const seededWorkflows = (): WorkflowDefinition[] => [deployWorkflow('green'), deployWorkflow('blue'), dnsUpdateWorkflow];

/**
 * History: one release on both branches (what both apps serve at start), and one new commit
 * on the green branch: the change a first deployment ships.
 */
export function seedRepo(repo: RepoModel, branches: Record<Color, string>): { initial: string } {
  const initial = repo.addCommit([], 'Initial release');
  repo.setBranch(branches.blue, initial.sha);
  repo.setBranch(branches.green, initial.sha);
  repo.push(branches.green, 'Add shipment tracking endpoint');
  return { initial: initial.sha };
}
