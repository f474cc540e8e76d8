// A bluegreen.yaml-shaped object pointing at a running lab, with timings short enough for
// tests and the demo (production values are in examples/bluegreen.yaml).
import type { Lab } from './index.js';

/** Where the lab answers (the public URL may be a service router's instead), and the service. */
export interface ExampleConfigInput extends Pick<Lab, 'owner' | 'repo' | 'githubUrl' | 'publicUrl' | 'appUrls' | 'branches'> {
  service: string;
}

export function exampleConfig(input: ExampleConfigInput): Record<string, unknown> {
  return {
    service: input.service,
    github: { owner: input.owner, repo: input.repo, baseUrl: input.githubUrl },
    publicUrl: input.publicUrl,
    colorPath: '/deployment/color/',
    environments: {
      green: { branch: input.branches.green, url: input.appUrls.green, deployWorkflow: 'deploy-green.yml' },
      blue: { branch: input.branches.blue, url: input.appUrls.blue, deployWorkflow: 'deploy-blue.yml' },
    },
    switch: { type: 'workflow', workflow: 'dns-update.yml', ref: input.branches.blue, verifyTimeout: '30s' },
    verify: { healthPath: '/health', successes: 2, interval: '200ms', timeout: '20s' },
    approval: { required: true, approvers: ['alice', 'bob'], timeout: '1h' },
    monitor: { duration: '3s', interval: '250ms', failureThreshold: 3 },
    sync: { enabled: true, redeploy: true },
    rollback: { automatic: true },
  };
}
