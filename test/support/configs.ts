// The smallest valid bluegreen.yaml, as the object config and plan tests spread their own fields
// over (`{ ...MINIMAL_CONFIG, approval: …, metrics: … }`), instead of a copy of it in each file.

/** Two colors with their own branch, URL and deploy workflow; no approval gate. */
export const MINIMAL_CONFIG = {
  service: 'api',
  github: { owner: 'acme', repo: 'api' },
  publicUrl: 'https://api.example.com',
  environments: {
    green: { branch: 'green', url: 'https://green.example.com', deployWorkflow: 'deploy-green.yml' },
    blue: { branch: 'production', url: 'https://blue.example.com', deployWorkflow: 'deploy-blue.yml' },
  },
  approval: { required: false },
};
