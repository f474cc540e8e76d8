// The two worlds the demo can run in, behind one small interface: the DNS lab of seeds/002
// (two apps, a router standing in for DNS) and the app-router lab of seeds/000 (one app with
// both colors, a router switched over HTTP, migrations as hooks).
import { startDnsWorld } from '../lab/dns-world.js';
import { startLab, type Lab } from '../lab/index.js';
import { ensureKnot } from '../lab/knot.js';
import { startAppRouterLab } from '../lab/app-router/index.js';
import type { Color } from '../contract/types.js';
import type { NativeSwitchType } from '../lab/native-switch-worlds.js';
import type { WorkerPolicy } from '../worker/policy.js';
import { isNativeSwitchKind, startNativeSwitchDemoLab } from './demo-switches.js';

export interface DemoLab {
  /** What runs where, in one line. */
  description: string;
  publicUrl: string;
  /** Token of the GitHub simulator. */
  githubToken: string;
  /** Variables the worker's activities read (e.g. the router token of switch.type http). */
  workerEnv: NodeJS.ProcessEnv;
  /** The worker's policy when the lab's default does not list its switch target. @default LAB_WORKER_POLICY */
  workerPolicy?: WorkerPolicy;
  exampleConfig(service: string): Record<string, unknown>;
  activeColor(): Color;
  /** Pushes the change a deployment ships onto the inactive color's branch. */
  pushRelease(message: string): { sha: string; branch: string };
  setHealthy(color: Color, healthy: boolean): void;
  /** What happened inside the lab, for the end of the demo (the app-router lab's migrations). */
  story(): string[];
  /** The two-apps lab underneath (the default kind): its apps, router and load generator (`--metrics`). */
  lab?: Lab;
  close(): Promise<void>;
}

/**
 * 'dns': the router stands in for DNS; 'knot-dns': a real DNS server, switch.type dns; alb,
 * route53, haproxy: the native switches (./demo-switches.ts).
 */
export type DemoLabKind = 'dns' | 'knot-dns' | 'app-router' | NativeSwitchType;

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
  if (kind === 'knot-dns') return startKnotDnsLab(runTiming);
  if (isNativeSwitchKind(kind)) return startNativeSwitchDemoLab(kind, runTiming);
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
    lab,
    close: () => lab.close(),
  };
}

/** The DNS lab with a real Knot DNS: the deployment updates the record, the router follows it. */
async function startKnotDnsLab(runTiming: { queuedMs: number; inProgressMs: number }): Promise<DemoLab> {
  const knot = await ensureKnot();
  if ('missing' in knot) throw new Error(knot.missing);
  const world = await startDnsWorld();
  const lab = await startLab({ runTiming, dns: world.labDns() }).catch(async (err: unknown) => {
    await world.close();
    throw err;
  });
  return {
    description:
      `GitHub API ${lab.githubUrl}; Knot DNS ${world.primary.address} serves ${world.record} → ${world.targets.blue} | ${world.targets.green} ` +
      `(TSIG key ${world.keyName}); public ${lab.publicUrl} routes by that record (blue ${lab.appUrls.blue}, green ${lab.appUrls.green})`,
    publicUrl: lab.publicUrl,
    githubToken: lab.token,
    workerEnv: { ...process.env, ...world.env },
    exampleConfig: (service) => ({ ...lab.exampleConfig(service), ...world.config({ switchType: 'dns', verifyTimeout: '2m' }) }),
    activeColor: () => lab.router.activeColor,
    pushRelease: (message) => {
      const branch = lab.branches[lab.router.activeColor === 'blue' ? 'green' : 'blue'];
      return { sha: lab.github.pushCommit(branch, message), branch };
    },
    setHealthy: (color, healthy) => lab.apps.setHealthy(color, healthy),
    story: () => [
      `try it: kdig @${world.primary.host} -p ${world.primary.port} ${world.record} CNAME (apt-get install knot-dnsutils)`,
      ...lab.router.switches.map((s) => `${s.at.slice(11, 19)} the router followed ${world.record} to ${s.color}`),
    ],
    close: async () => {
      await lab.close();
      await world.close();
    },
  };
}
