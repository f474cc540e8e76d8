// A bluegreen.yaml-shaped object for the app-based lab: the switch is the app's router
// endpoint, and migrations are hooks around it. Timings are short, for tests and the demo.
import type { Color } from '../types.js';

export const ROUTER_TOKEN_ENV = 'BLUEGREEN_ROUTER_TOKEN';

export interface AppRouterConfigInput {
  service: string;
  owner: string;
  repo: string;
  githubUrl: string;
  appUrl: string;
  branches: Record<Color, string>;
}

export function appRouterExampleConfig(input: AppRouterConfigInput): Record<string, unknown> {
  return {
    service: input.service,
    github: { owner: input.owner, repo: input.repo, baseUrl: input.githubUrl },
    publicUrl: input.appUrl,
    colorPath: '/deployment/color/',
    environments: {
      green: { branch: input.branches.green, url: `${input.appUrl}/green`, deployWorkflow: 'deploy-green.yml' },
      blue: { branch: input.branches.blue, url: `${input.appUrl}/blue`, deployWorkflow: 'deploy-blue.yml' },
    },
    switch: { type: 'http', url: `${input.appUrl}/deployment/router/`, tokenEnv: ROUTER_TOKEN_ENV, verifyTimeout: '10s' },
    verify: { healthPath: '/health', successes: 2, interval: '200ms', timeout: '20s' },
    approval: { required: true, approvers: ['alice', 'bob'], timeout: '1h' },
    monitor: { duration: '3s', interval: '250ms', failureThreshold: 3 },
    // The merge keeps the old color's branch level (the next deployment starts from it); no
    // redeploy: the contract hook removes the old app anyway.
    sync: { enabled: true, redeploy: false },
    rollback: { automatic: true },
    hooks: {
      preSwitch: [{ name: 'migrate-expand', workflow: 'migrate-expand.yml', inputs: { app: '{{newColor}}', sha: '{{sha}}' } }],
      postSync: [{ name: 'migrate-contract', workflow: 'migrate-contract.yml', inputs: { app: '{{oldColor}}', sha: '{{sha}}' } }],
    },
  };
}
