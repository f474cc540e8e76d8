// The two worlds the demo can run in, behind one small interface: the DNS lab of seeds/002
// (two apps, a router standing in for DNS) and the app-router lab of seeds/000 (one app with
// both colors, a router switched over HTTP, migrations as hooks).
import { startLab } from '../lab/index.js';
import { startAppRouterLab } from '../lab/app-router/index.js';
import type { Color } from '../workflows/types.js';

export interface DemoLab {
  /** What runs where, in one line. */
  description: string;
  publicUrl: string;
  /** Token of the GitHub simulator. */
  githubToken: string;
  /** Variables the worker's activities read (e.g. the router token of switch.type http). */
  workerEnv: NodeJS.ProcessEnv;
  exampleConfig(service: string): Record<string, unknown>;
  activeColor(): Color;
  /** Pushes the change a deployment ships onto the inactive color's branch. */
  pushRelease(message: string): { sha: string; branch: string };
  setHealthy(color: Color, healthy: boolean): void;
  /** What happened inside the lab, for the end of the demo (the app-router lab's migrations). */
  story(): string[];
  close(): Promise<void>;
}

export type DemoLabKind = 'dns' | 'app-router';

export async function startDemoLab(kind: DemoLabKind, runTiming: { queuedMs: number; inProgressMs: number }): Promise<DemoLab> {
  if (kind === 'app-router') {
    const lab = await startAppRouterLab({ runTiming });
    return {
      description: `GitHub API ${lab.githubUrl}, one app with both colors at ${lab.appUrl} (router ${lab.routerUrl}, schema ${lab.appUrl}/deployment/schema/)`,
      publicUrl: lab.publicUrl,
      githubToken: lab.token,
      workerEnv: { ...process.env, [lab.routerTokenEnv]: lab.routerToken },
      exampleConfig: (service) => lab.exampleConfig(service),
      activeColor: () => lab.app.serving ?? 'green',
      pushRelease: (message) => {
        const branch = lab.branches[lab.app.serving === 'blue' ? 'green' : 'blue'];
        return { sha: lab.github.pushCommit(branch, message), branch };
      },
      setHealthy: (color, healthy) => lab.app.setHealthy(color, healthy),
      story: () => lab.app.events.map((e) => `${e.at.slice(11, 19)} ${e.what}`),
      close: () => lab.close(),
    };
  }
  const lab = await startLab({ runTiming });
  return {
    description: `GitHub API ${lab.githubUrl}, public ${lab.publicUrl} (blue ${lab.appUrls.blue}, green ${lab.appUrls.green})`,
    publicUrl: lab.publicUrl,
    githubToken: lab.token,
    workerEnv: process.env,
    exampleConfig: (service) => lab.exampleConfig(service),
    activeColor: () => lab.router.activeColor,
    pushRelease: (message) => {
      const branch = lab.branches[lab.router.activeColor === 'blue' ? 'green' : 'blue'];
      return { sha: lab.github.pushCommit(branch, message), branch };
    },
    setHealthy: (color, healthy) => lab.apps.setHealthy(color, healthy),
    story: () => [],
    close: () => lab.close(),
  };
}
