// The demo: a full blue → green deployment on the embedded lab, with a real Temporal server
// (started here unless one answers), a worker in this process, and QA approving as a person
// would. `--rollback` makes green fail under traffic after the switch, to show the way back.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { stringify } from 'yaml';
import { createActivities } from '../worker/activities.js';
import { NotificationReceivers } from '../lab/notify/index.js';
import { LAB_WORKER_POLICY } from '../lab/worker-policy.js';
import { createGitHubClientCache } from '../activities/octokit.js';
import { loadConfigFile } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { analysisStatusLines } from '../client/render-analysis.js';
import { startDeployment } from '../client/start-deployment.js';
import { webUiUrl } from '../client/temporal-client.js';
import { watchDeployment } from '../client/watch.js';
import { createBlueGreenWorker } from '../worker/worker.js';
import { startDemoLab } from './demo-labs.js';
import { DEMO_SWITCH_HELP, demoLabKind } from './demo-switches.js';
import { startDemoMetrics, type DemoMetrics } from './demo-metrics.js';
import { fileLogFunction, liveViewOut, Narrator, notificationBlock, runnable, tty } from './demo-output.js';
import { approveUpdate, workflowIdFor } from '../contract/messages.js';
import { registerSearchAttributes, startDevServer, temporalAnswers } from '../lab/temporal-dev-server.js';
import type { DeploymentStatus, Outcome } from '../contract/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    rollback: { type: 'boolean', default: false },
    'manual-approval': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'app-router': { type: 'boolean', default: false },
    metrics: { type: 'boolean', default: false },
    switch: { type: 'string', default: 'workflow' },
    service: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

// While the live view runs, the demo's own lines go through it (scripts/demo-output.ts).
const narrator = new Narrator();
const say = (text: string) => narrator.say(text);

async function run(): Promise<number> {
  if (flags.help) {
    console.log(`usage: npm run demo -- [--app-router | --switch dns|alb|route53|haproxy] [--rollback] [--manual-approval] [--keep] [--service NAME]
  --switch dns       switch by an RFC 2136 update (TSIG) of a record on a real DNS server (Knot DNS,
                     installed with apt when missing); the router follows the record
${DEMO_SWITCH_HELP}
  --app-router       the app-based blue/green of seeds/000: one app holding both colors, its router
                     switched over HTTP, migrations as hooks (expand before the switch, clean-up after)
  --metrics          judge green by its error rate and p90 latency on a real Prometheus (apt's
                     prometheus) scraping the lab under load, before approval and under traffic;
                     with --rollback green turns slow after the switch and the metric rolls back
  --rollback         the new color fails under traffic after the switch: the deployment rolls back
  --manual-approval  do not approve as QA: approve yourself (the command is printed)
  --keep             keep Temporal, the lab and the worker running afterwards (Ctrl-C to stop)`);
    return 0;
  }
  // The worker's log (a failed monitor check, a retried activity) goes to a file, not over the live view.
  await mkdir(`${root}.data/demo`, { recursive: true });
  const workerLog = `${root}.data/demo/worker.log`;
  Runtime.install({
    logger: new DefaultLogger('INFO', fileLogFunction(workerLog)),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const address = await ensureTemporal(cleanups);
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const registered = await registerSearchAttributes(connection);
    if (registered.length > 0) say(`registered search attributes ${registered.join(', ')}`);

    const kind = demoLabKind(flags.switch, flags['app-router']);
    const lab = await startDemoLab(kind, { queuedMs: 500, inProgressMs: 2000 });
    cleanups.push(() => lab.close());
    say(`lab up: ${lab.description}`);
    const { sha, branch } = lab.pushRelease('feature: faster checkout');
    say(`pushed ${sha.slice(0, 7)} to branch ${branch}`);
    const service = flags.service ?? (flags['app-router'] ? 'bluegreen-books' : 'datatruck-api');
    let metrics: DemoMetrics | undefined;
    if (flags.metrics) {
      if (!lab.lab)
        throw new Error(
          "--metrics runs where the lab's router is the public endpoint (not with --app-router, --switch dns or haproxy)",
        );
      metrics = await startDemoMetrics(lab.lab, { rollback: flags.rollback, say });
      cleanups.push(() => metrics?.close());
    }

    // Slack-, Teams- and webhook-compatible receivers on loopback: what people would be told.
    const receivers = new NotificationReceivers();
    await receivers.start();
    cleanups.push(() => receivers.close());
    const receiverSecrets = receivers.secretsEnv();
    const taskQueue = `bluegreen-demo-${process.pid}`;
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await createBlueGreenWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        github: createGitHubClientCache({ auth: { kind: 'token', token: lab.githubToken } }),
        env: lab.workerEnv,
        policy: lab.workerPolicy ?? LAB_WORKER_POLICY,
        notify: {
          channels: {
            'qa-slack': { type: 'slack', secrets: { url: 'LAB_SLACK_WEBHOOK_URL' } },
            'ops-teams': { type: 'teams', secrets: { url: 'LAB_TEAMS_WEBHOOK_URL' } },
            audit: { type: 'webhook', secrets: { url: 'LAB_EVENTS_WEBHOOK_URL', signingKey: 'LAB_EVENTS_SIGNING_SECRET' } },
          },
          secrets: (name) => receiverSecrets[name],
          webUiUrl: (namespace, workflowId) => webUiUrl(address, namespace, workflowId),
        },
      }),
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await workerRun;
      await workerConnection.close();
    });
    say(`worker on task queue ${taskQueue}, its log in ${workerLog}`);

    const configPath = `${root}.data/demo/bluegreen.yaml`;
    const baseConfig = {
      ...lab.exampleConfig(service),
      deploy: { runTimeout: '5m', pollInterval: '500ms' },
      approval: { required: true, approvers: ['qa-alice', 'qa-bob'], timeout: '1h' },
      monitor: { duration: flags.rollback ? '30s' : metrics ? '10s' : '6s', interval: '500ms', failureThreshold: 3 },
      notify: [
        { channel: 'qa-slack', events: ['approval-waiting', 'approved', 'rejected'] },
        { channel: 'ops-teams', events: 'all' },
        { channel: 'audit', events: 'all' },
      ],
    };
    const config = metrics ? metrics.config(baseConfig) : baseConfig;
    await writeFile(configPath, stringify(config));
    const plan = resolvePlan(await loadConfigFile(configPath), { requestedBy: 'demo-operator' });
    say(`config written to ${configPath}`);

    const handle = await startDeployment(client, plan, { taskQueue, summaryHint: { activeColor: lab.activeColor(), sha } });
    const ui = webUiUrl(address, 'default', workflowIdFor(plan.service));
    say(`started deployment ${plan.deploymentId}`);
    say(`Web UI: ${ui}`);

    let approved = false;
    let broken = false;
    // The CLI's live view (client/watch.ts): the phase list redrawn on a terminal, every change
    // once and in order on a pipe; the demo's own lines join it (scripts/demo-output.ts).
    narrator.live = true;
    narrator.footer.push(`Web UI: ${ui}`);
    const final = await watchDeployment(handle, {
      json: false,
      out: liveViewOut(),
      footer: narrator.footer,
      taskQueue,
      onStatus: (status) => {
        if (status.phase === 'approval' && status.waitingFor && !approved) {
          approved = true;
          if (flags['manual-approval']) {
            say(`approve it yourself from this folder, with our CLI or the Temporal CLI (in .tools/bin):`);
            say(`  TEMPORAL_ADDRESS=${address} ${runnable(`bluegreen approve ${plan.service} --by qa-alice`)}`);
            say(
              `  ${root}.tools/bin/temporal workflow signal --address ${address} --workflow-id ${handle.workflowId} --name approve --input '{"by":"qa-alice"}'`,
            );
          } else {
            void approveAsQa(handle, status);
          }
        }
        metrics?.onStatus(status);
        if (flags.rollback && !metrics && status.phase === 'monitor' && status.targetColor && !broken) {
          broken = true;
          say(`making ${status.targetColor} unhealthy under traffic (--rollback)…`);
          lab.setHealthy(status.targetColor, false);
        }
      },
    });
    narrator.live = false;

    const answer = await fetch(`${lab.publicUrl}${plan.colorPath}`).then((r) => r.text());
    console.log('');
    for (const line of lab.story()) say(`lab: ${line}`);
    for (const line of metrics?.story() ?? []) say(`lab: ${line}`);
    // On a terminal the last frame of the live view already shows the analysis.
    if (!tty) for (const line of analysisStatusLines(final)) if (line.trim()) say(line.trim());
    for (const line of notificationBlock(receivers.all)) say(line);
    say(`outcome ${final.outcome}; ${lab.publicUrl}${plan.colorPath} answers ${answer.trim()}`);
    if (final.dns)
      say(
        `DNS: ${final.phases
          .filter((p) => p.name === 'switch' || p.name === 'rollback')
          .map((p) => p.detail)
          .join(' | ')}`,
      );
    say(`worker log: ${workerLog}`);
    say(`Web UI: ${ui}`);
    const expected: Outcome = flags.rollback ? 'ROLLED_BACK' : 'SUCCEEDED';
    if (flags.keep) {
      say('--keep: everything stays up; press Ctrl-C to stop');
      await new Promise(() => undefined);
    }
    return final.outcome === expected ? 0 : 1;
  } finally {
    await cleanup();
  }
}

async function approveAsQa(handle: Awaited<ReturnType<typeof startDeployment>>, status: DeploymentStatus): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500));
  say(`QA (qa-alice) checked ${status.targetColor} and approves`);
  // The live view shows the decision itself; only a refusal needs saying here.
  await handle
    .executeUpdate(approveUpdate, { args: [{ by: 'qa-alice', comment: `smoke tests passed on ${status.targetColor}` }] })
    .catch((err: unknown) => say(`QA's approval failed: ${err instanceof Error ? err.message : String(err)}`));
}

/** Uses the Temporal that answers at TEMPORAL_ADDRESS (default localhost:7233), or starts a dev server there. */
async function ensureTemporal(cleanups: Array<() => Promise<void> | void>): Promise<string> {
  const address = process.env['TEMPORAL_ADDRESS'] ?? 'localhost:7233';
  if (await temporalAnswers(address)) {
    say(`using the Temporal server at ${address}`);
    return address;
  }
  if (process.env['TEMPORAL_ADDRESS']) throw new Error(`TEMPORAL_ADDRESS=${address} does not answer`);
  await mkdir(`${root}.data`, { recursive: true });
  const [host, port] = address.split(':');
  say(`starting a Temporal dev server on ${address} (state in .data/temporal.db)…`);
  const server = await startDevServer({
    ip: host === 'localhost' ? '127.0.0.1' : host!,
    port: Number(port),
    // The port webUiUrl (client/temporal-client.ts) expects: gRPC port + 1000.
    ui: Number(port) + 1000,
    dbFile: `${root}.data/temporal.db`,
  });
  cleanups.push(() => server.stop());
  say(`Temporal Web UI: ${server.uiUrl}`);
  return address;
}

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
