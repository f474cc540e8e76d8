// A bluegreen.yaml-shaped object for the app-based lab: the switch is the app's router
// endpoint, and migrations are hooks around it. Timings are short, for tests and the demo.
import { exampleConfig } from '../example-config.js';
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

/** The lab's example config (lab/example-config.ts) with the colors under one app, its router as the switch, migrations as hooks. */
export function appRouterExampleConfig(input: AppRouterConfigInput): Record<string, unknown> {
  const appUrls = { green: `${input.appUrl}/green`, blue: `${input.appUrl}/blue` };
  return {
    ...exampleConfig({ ...input, publicUrl: input.appUrl, appUrls }),
    // The token variable is the worker policy's (lab/worker-policy.ts names ROUTER_TOKEN_ENV).
    switch: { type: 'http', url: `${input.appUrl}/deployment/router/`, verifyTimeout: '10s' },
    // The merge keeps the old color's branch level (the next deployment starts from it); no
    // redeploy: the contract hook removes the old app anyway.
    sync: { enabled: true, redeploy: false },
    hooks: {
      preSwitch: [{ name: 'migrate-expand', workflow: 'migrate-expand.yml', inputs: { app: '{{newColor}}', sha: '{{sha}}' } }],
      postSync: [{ name: 'migrate-contract', workflow: 'migrate-contract.yml', inputs: { app: '{{oldColor}}', sha: '{{sha}}' } }],
    },
  };
}
