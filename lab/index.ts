// The embedded local world for the demo and the tests: a GitHub Actions API simulator, two
// sample apps (blue, green) and a router, all real HTTP servers on 127.0.0.1.
import { createControlHandler } from './control-api.js';
import { exampleConfig } from './example-config.js';
import { GitHubSimulator } from './github/simulator.js';
import { deployWorkflow, dnsUpdateWorkflow } from './github/seed.js';
import { DnsFollower } from './dns-follower.js';
import { WeightFollower } from './weight-follower.js';
import { LoadGenerator } from './load.js';
import { NotificationReceivers } from './notify/index.js';
import { Router } from './router.js';
import { SampleApps } from './sample-app.js';
import { ServiceRouter } from './service-router.js';
import type { Color, LabOptions } from './types.js';

export type * from './types.js';
export { GitHubSimulator } from './github/simulator.js';
export { SampleApps } from './sample-app.js';
export { Router } from './router.js';
export { ServiceRouter } from './service-router.js';
export { LabControlClient } from './control-client.js';
export { LoadGenerator, type LoadOptions, type LoadStats } from './load.js';
export { NotificationReceivers } from './notify/index.js';

export interface Lab {
  /** Octokit baseUrl, e.g. http://127.0.0.1:PORT */
  githubUrl: string;
  /** Control API root, `${githubUrl}/_lab` */
  controlUrl: string;
  /** The router: what users reach. */
  publicUrl: string;
  appUrls: Record<Color, string>;
  owner: string;
  repo: string;
  /** The first accepted static token ('' when `tokens: []`). */
  token: string;
  branches: Record<Color, string>;
  github: GitHubSimulator;
  apps: SampleApps;
  router: Router;
  /** Bounded loopback traffic at the router or the apps (for the metric analysis); stopped by close(). */
  load: LoadGenerator;
  /** Slack-, Teams- and generic-webhook-compatible receivers that record the notifications sent. */
  notifications: NotificationReceivers;
  /** A bluegreen.yaml-shaped plain object pointing at this lab. */
  exampleConfig(service?: string): Record<string, unknown>;
  /**
   * Another service with a public endpoint of its own (`/svc/<service>` on one shared
   * multi-service router, blue at first) and its own deploy and switch workflows
   * (`deploy-green-<service>.yml`, `deploy-blue-<service>.yml`, `dns-update-<service>.yml`),
   * so hundreds of deployments can run at once without sharing a route or a run list.
   * Returns its bluegreen.yaml-shaped config. The two sample apps are shared.
   */
  addService(service: string): Promise<Record<string, unknown>>;
  /** The multi-service router, once `addService` started it. */
  readonly services: ServiceRouter | undefined;
  close(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const owner = options.owner ?? 'datatruck';
  const repo = options.repo ?? 'backend';
  const tokens = options.tokens ?? ['lab-token'];
  const branches: Record<Color, string> = {
    blue: options.branches?.blue ?? 'production',
    green: options.branches?.green ?? 'green',
  };
  const dnsLagMs = options.dnsLagMs ?? 0;
  const lagTimers = new Set<NodeJS.Timeout>();

  // Effects run when a run completes, after all three parts are up.
  let apps!: SampleApps;
  let router!: Router;
  let services: ServiceRouter | undefined;
  let servicesStarting: Promise<ServiceRouter> | undefined;
  const github = new GitHubSimulator(
    {
      owner,
      repo,
      tokens,
      ...(options.appAuth ? { appAuth: options.appAuth } : {}),
      branches,
      runTiming: { queuedMs: options.runTiming?.queuedMs ?? 200, inProgressMs: options.runTiming?.inProgressMs ?? 800 },
      returnRunDetails: options.returnRunDetails ?? true,
      listLagMs: options.listLagMs ?? 0,
      ...(options.webhook ? { webhook: options.webhook } : {}),
      ...(options.reviewTimeoutMs !== undefined ? { reviewTimeoutMs: options.reviewTimeoutMs } : {}),
    },
    {
      deploy: (color, sha) => apps.deploy(color, sha),
      switchTo: (color, source, service, weight) => {
        const other = color === 'blue' ? 'green' : 'blue';
        const apply = () =>
          service
            ? services?.setActive(service, color)
            : dnsFollower?.canUpdate
              ? void dnsFollower.update(color) // the router follows the record
              : weight !== undefined && Number.isInteger(weight) && weight >= 0 && weight <= 100
                ? router.setWeights({ [color]: weight, [other]: 100 - weight } as Record<Color, number>, source)
                : router.setActive(color, source);
        if (dnsLagMs <= 0) return apply();
        const timer = setTimeout(() => {
          lagTimers.delete(timer);
          apply();
        }, dnsLagMs);
        lagTimers.add(timer);
      },
    },
  );
  apps = new SampleApps({ blue: github.initialSha, green: github.initialSha });
  router = new Router(options.initialActiveColor ?? 'blue', (color) => apps.url(color));
  const dnsFollower = options.dns
    ? new DnsFollower(options.dns, (color) => {
        if (color !== router.activeColor) router.setActive(color, 'dns');
      })
    : undefined;

  const weightFollower = options.weights
    ? new WeightFollower(options.weights, (weights) => router.setWeights(weights, 'weights'))
    : undefined;

  const load = new LoadGenerator();
  const notifications = new NotificationReceivers();
  const started: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    load.stop();
    for (const timer of lagTimers) clearTimeout(timer);
    dnsFollower?.stop();
    weightFollower?.stop();
    await Promise.all(started.splice(0).map((stop) => stop()));
    if (servicesStarting) await (await servicesStarting).close();
  };

  let lab: Lab | undefined;
  try {
    await apps.start({
      ...(options.ports?.blue ? { blue: options.ports.blue } : {}),
      ...(options.ports?.green ? { green: options.ports.green } : {}),
    });
    started.push(() => apps.close());
    await router.start(options.ports?.public ?? 0);
    started.push(() => router.close());
    await notifications.start();
    started.push(() => notifications.close());
    await dnsFollower?.start();
    await weightFollower?.start();
    const appUrls = (): Record<Color, string> => ({ blue: apps.url('blue'), green: apps.url('green') });
    const configFor = (service = 'datatruck-api') =>
      exampleConfig({ service, owner, repo, githubUrl: github.url, publicUrl: router.url, appUrls: appUrls(), branches });
    const serviceRouter = (): Promise<ServiceRouter> =>
      (servicesStarting ??= (async () => {
        const started = new ServiceRouter((color) => apps.url(color));
        await started.start();
        services = started;
        return started;
      })());
    const addService = async (service: string): Promise<Record<string, unknown>> => {
      const shared = await serviceRouter();
      shared.add(service, 'blue');
      const files = {
        green: `deploy-green-${service}.yml`,
        blue: `deploy-blue-${service}.yml`,
        switch: `dns-update-${service}.yml`,
      };
      github.addWorkflow({ ...deployWorkflow('green'), file: files.green });
      github.addWorkflow({ ...deployWorkflow('blue'), file: files.blue });
      github.addWorkflow({ ...dnsUpdateWorkflow, file: files.switch, effect: { type: 'switch', service } });
      // Branches of its own with a commit of its own: its GitHub deployments (listed by ref) and
      // runs (listed by branch) are its alone, as in a repository of its own.
      const own: Record<Color, string> = { blue: `${service}-${branches.blue}`, green: `${service}-${branches.green}` };
      github.createBranch(own.blue, branches.blue);
      github.createBranch(own.green, branches.green);
      github.pushCommit(own.green, `${service}: the change to ship`);
      const config = exampleConfig({
        service,
        owner,
        repo,
        githubUrl: github.url,
        publicUrl: shared.publicUrl(service),
        appUrls: appUrls(),
        branches: own,
      });
      const environments = config['environments'] as Record<Color, Record<string, unknown>>;
      environments.green['deployWorkflow'] = files.green;
      environments.blue['deployWorkflow'] = files.blue;
      (config['switch'] as Record<string, unknown>)['workflow'] = files.switch;
      return config;
    };
    await github.start(
      createControlHandler({
        github,
        apps,
        router,
        load,
        exampleConfig: configFor,
        describe: () => ({ githubUrl: github.url, publicUrl: router.url, appUrls: appUrls(), owner, repo, branches }),
      }),
      options.ports?.github ?? 0,
    );
    started.push(() => github.close());
    lab = {
      githubUrl: github.url,
      controlUrl: `${github.url}/_lab`,
      publicUrl: router.url,
      appUrls: appUrls(),
      owner,
      repo,
      token: tokens[0] ?? '',
      branches,
      github,
      apps,
      notifications,
      router,
      load,
      exampleConfig: configFor,
      addService,
      get services() {
        return services;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
  return lab;
}
