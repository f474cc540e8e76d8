// The app-based lab (seeds/000, "Blue/Green Books"): the GitHub Actions simulator and ONE app
// process holding both colors, a router and one database. At start the world is the seed's
// step 2: the green app serves through the router; the blue branch carries a change (a new
// migration) that a deployment to blue ships:
//   deploy-blue.yml     → blue added as a copy of green (`migrate blue --fake`), then changed (step 3)
//   migrate-expand.yml  → `migrate blue`: the schema gains blue's column, green still runs on it
//   switch (http)       → POST /deployment/router/ {"color":"blue"}: traffic on blue (step 4)
//   migrate-contract.yml→ `migrate green zero --fake`, green removed: one app (step 5)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitHubSimulator } from '../github/simulator.js';
import { sendJson } from '../http.js';
import type { Color, LabOptions } from '../types.js';
import { AppRouterApp } from './app.js';
import { appRouterExampleConfig, ROUTER_TOKEN_ENV } from './example-config.js';
import { migrateContractWorkflow, migrateExpandWorkflow } from './workflows.js';

export { AppRouterApp, type AppRouterSnapshot, type AppRouterEvent, type AppRouterSwitch } from './app.js';
export { ROUTER_TOKEN_ENV } from './example-config.js';

export interface AppRouterLabOptions extends Pick<LabOptions, 'owner' | 'repo' | 'tokens' | 'runTiming' | 'returnRunDetails'> {
  /** Bearer token of the router endpoint. @default 'lab-router-token' */
  routerToken?: string;
  /** @default { blue: 'blue', green: 'green' } */
  branches?: { blue?: string; green?: string };
  /** Fixed ports; 0 or absent picks a free one. */
  ports?: { github?: number; app?: number };
}

export interface AppRouterLab {
  githubUrl: string;
  controlUrl: string;
  /** The app process: public paths go through its router. */
  appUrl: string;
  /** Same as appUrl: what users reach. */
  publicUrl: string;
  /** POST {"color"} here with the router token to switch. */
  routerUrl: string;
  /** Each color app directly (what `verify` probes). */
  envUrls: Record<Color, string>;
  owner: string;
  repo: string;
  /** GitHub token of the simulator. */
  token: string;
  routerToken: string;
  /** The worker reads the router token from this variable (routers[].tokenEnv of lab/worker-policy.ts). */
  routerTokenEnv: string;
  branches: Record<Color, string>;
  github: GitHubSimulator;
  app: AppRouterApp;
  exampleConfig(service?: string): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startAppRouterLab(options: AppRouterLabOptions = {}): Promise<AppRouterLab> {
  const owner = options.owner ?? 'datatruck';
  const repo = options.repo ?? 'books';
  const tokens = options.tokens ?? ['lab-token'];
  const routerToken = options.routerToken ?? 'lab-router-token';
  const branches: Record<Color, string> = { blue: options.branches?.blue ?? 'blue', green: options.branches?.green ?? 'green' };

  let app!: AppRouterApp;
  const github = new GitHubSimulator(
    {
      owner,
      repo,
      tokens,
      branches,
      runTiming: { queuedMs: options.runTiming?.queuedMs ?? 200, inProgressMs: options.runTiming?.inProgressMs ?? 800 },
      returnRunDetails: options.returnRunDetails ?? true,
    },
    {
      deploy: (color, sha) => app.deploy(color, sha),
      // dns-update.yml still works (switch.type: workflow) and moves the same router.
      switchTo: (color, source) => void app.select(color, source),
    },
  );
  // Step 2 of the seed: green serves; the blue branch is green plus the change to ship.
  const greenHead = github.branchHead(branches.green)!;
  github.createBranch(branches.blue, greenHead);
  github.pushCommit(branches.blue, 'Change blue app: add a field to Book (migration)');
  const sameContent = (a: string, b: string) =>
    a === b || (github.treeOf(a) !== undefined && github.treeOf(a) === github.treeOf(b));
  app = new AppRouterApp({ token: routerToken, initialColor: 'green', initialVersion: greenHead, sameContent });
  github.addWorkflow(migrateExpandWorkflow(app));
  github.addWorkflow(migrateContractWorkflow(app));

  const configFor = (service = 'bluegreen-books') =>
    appRouterExampleConfig({ service, owner, repo, githubUrl: github.url, appUrl: app.url, branches });
  const started: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    await Promise.all(started.splice(0).map((stop) => stop()));
  };
  try {
    await app.start(options.ports?.app ?? 0);
    started.push(() => app.close());
    await github.start(controlHandler(app, configFor), options.ports?.github ?? 0);
    started.push(() => github.close());
  } catch (err) {
    await close();
    throw err;
  }
  return {
    githubUrl: github.url,
    controlUrl: `${github.url}/_lab`,
    appUrl: app.url,
    publicUrl: app.url,
    routerUrl: `${app.url}/deployment/router/`,
    envUrls: { blue: `${app.url}/blue`, green: `${app.url}/green` },
    owner,
    repo,
    token: tokens[0] ?? '',
    routerToken,
    routerTokenEnv: ROUTER_TOKEN_ENV,
    branches,
    github,
    app,
    exampleConfig: configFor,
    close,
  };
}

/** A read-only control API: `GET /_lab/state` (the app and its schema), `GET /_lab/config`. */
function controlHandler(app: AppRouterApp, configFor: (service?: string) => Record<string, unknown>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET' && url.pathname === '/_lab/state') {
      return sendJson(res, 200, { ...app.snapshot(), events: app.events, switches: app.switches });
    }
    if (req.method === 'GET' && url.pathname === '/_lab/config') {
      return sendJson(res, 200, configFor(url.searchParams.get('service') ?? undefined));
    }
    sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname} in the app-router lab` });
  };
}
