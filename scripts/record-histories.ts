// Records one real history per outcome (SUCCEEDED, ROLLED_BACK, ABORTED, FAILED) into
// test/histories/*.json for test/replay.test.ts: the workflow code of every later commit must
// replay them, or running deployments would break on a worker upgrade.
//
//   npx tsx scripts/record-histories.ts            # a private dev server, then stopped
//   TEMPORAL_ADDRESS=localhost:7233 npx tsx scripts/record-histories.ts
//   npx tsx scripts/record-histories.ts retried window-waited   # only these scenarios
//   npx tsx scripts/record-histories.ts --suffix analysis-checks   # new files: succeeded-analysis-checks.json …
//
// Re-record only when an incompatible change is intended and guarded by patched() (see
// docs/contributing.md); add new histories rather than replacing old ones when you can.
import { mergeConfig as deepMerge } from '../lab/merge-config.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { stringify } from 'yaml';
import { createActivities } from '../worker/activities.js';
import { LAB_WORKER_POLICY } from '../lab/worker-policy.js';
import { createGitHubClientCache } from '../activities/octokit.js';
import { parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import { startDevServer } from '../lab/temporal-dev-server.js';
import { createBlueGreenWorker } from '../worker/worker.js';
import { ANALYSIS_SCENARIOS } from './history-scenarios-analysis.js';
import { NOTIFY_CHANNELS, NOTIFY_SCENARIOS, waitFor } from './history-scenarios-notify.js';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import * as messages from '../contract/messages.js';
import type { DeploymentPlan, Outcome } from '../contract/types.js';
import { finalStatus } from '../client/final-status.js';

const OUT_DIR = fileURLToPath(new URL('../test/histories/', import.meta.url));
const TASK_QUEUE = 'record-histories';
/** `--suffix <name>`: new behaviour gets new files next to the old ones (which must keep replaying). */
const suffixAt = process.argv.indexOf('--suffix');
const SUFFIX = suffixAt > 0 ? `-${process.argv[suffixAt + 1] ?? ''}` : '';

type Handle = WorkflowHandle<typeof blueGreenDeployment>;

/** A freeze that began a minute ago and ends in `ms` (computed when the scenario starts). */
const freezeFor = (ms: number, reason: string) => ({
  from: new Date(Date.now() - 60_000).toISOString(),
  until: new Date(Date.now() + ms).toISOString(),
  reason,
});

export interface Scenario {
  name: string;
  outcome: Outcome;
  /** Config overrides; a function when they depend on the time the recording starts (freezes). */
  overrides: Record<string, unknown> | (() => Record<string, unknown>);
  /** Before the deployment starts: arm lab faults, or run an earlier deployment (a revert needs one). */
  prepare?(client: Client, lab: Lab, plan: DeploymentPlan): Promise<Partial<DeploymentPlan> | void>;
  /** Drives the deployment (signals, updates, lab faults) until it ends. */
  drive(handle: Handle, lab: Lab): Promise<void>;
  /** After the recording, failed or not: stop what `prepare` started (a Prometheus). */
  cleanup?(): Promise<void>;
}

const QUICK = {
  deploy: { pollInterval: '100ms', runTimeout: '2m' },
  verify: { successes: 2, interval: '100ms', timeout: '20s' },
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
};

/** Each outcome, reached the way operators reach it, touching as many handlers as it can. */
const SCENARIOS: Scenario[] = [
  {
    name: 'succeeded',
    outcome: 'SUCCEEDED',
    overrides: { sync: { enabled: true, redeploy: true } },
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'approval' && s.waitingFor !== undefined);
      await handle.signal(messages.approveSignal, { by: 'mallory' }); // not an approver: recorded, ignored
      await handle.signal(messages.abortSignal, { by: 'eve' } as never); // no reason: ignored
      await waitFor(handle, (s) => (s.ignoredSignals?.length ?? 0) === 2);
      await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'alice', comment: 'QA passed' }] });
    },
  },
  {
    name: 'rolled-back',
    outcome: 'ROLLED_BACK',
    overrides: { approval: { required: false }, monitor: { duration: '60s', interval: '100ms' } },
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'monitor');
      await handle.signal(messages.promoteSignal, {} as never); // malformed: ignored
      await handle.signal(messages.rollbackSignal, { by: 'carol', reason: 'error rate up' });
    },
  },
  {
    name: 'rolled-back-automatically',
    outcome: 'ROLLED_BACK',
    overrides: { approval: { required: false }, monitor: { duration: '60s', interval: '100ms', failureThreshold: 3 } },
    async drive(handle, lab) {
      await waitFor(handle, (s) => s.phase === 'monitor');
      lab.apps.setHealthy('green', false);
    },
  },
  {
    name: 'aborted',
    outcome: 'ABORTED',
    overrides: {},
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'approval' && s.waitingFor !== undefined);
      await handle.signal(messages.rejectSignal, { by: 'bob', reason: 'checkout page broken' });
    },
  },
  {
    name: 'failed',
    outcome: 'FAILED',
    overrides: {},
    async drive(_handle, lab) {
      lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
    },
  },
];

/** Bake, retry, switch windows, revert (each a path the four above never take). */
const RESILIENCE_SCENARIOS: Scenario[] = [
  {
    name: 'baked-rolled-back',
    outcome: 'ROLLED_BACK',
    overrides: { approval: { required: false }, sync: { enabled: true, redeploy: true }, bake: { duration: '1h' } },
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'bake');
      await handle.executeUpdate(messages.rollbackUpdate, { args: [{ by: 'carol', reason: 'error rate up after the monitor' }] });
    },
  },
  {
    name: 'baked-promoted',
    outcome: 'SUCCEEDED',
    overrides: { approval: { required: false }, sync: { enabled: true, redeploy: true }, bake: { duration: '1h' } },
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'bake');
      await handle.signal(messages.promoteSignal, { by: 'erin' });
    },
  },
  {
    // The rollback is held (the old color blue unhealthy), then blue recovers and nobody decides:
    // the held watch sees it healthy and the rollback resumes by itself.
    name: 'held-resumed',
    outcome: 'ROLLED_BACK',
    overrides: {
      approval: { required: false },
      monitor: { duration: '60s', interval: '100ms', failureThreshold: 3, standby: { failures: 3, askTimeout: '2m' } },
    },
    async drive(handle, lab) {
      await waitFor(handle, (s) => s.phase === 'monitor');
      lab.apps.setHealthy('blue', false);
      await new Promise((r) => setTimeout(r, 800));
      lab.apps.setHealthy('green', false);
      await waitFor(handle, (s) => s.standby?.held !== undefined);
      lab.apps.setHealthy('blue', true);
    },
  },
  {
    name: 'retried',
    outcome: 'SUCCEEDED',
    overrides: { approval: { required: false }, onFailure: { deploy: 'ask', verify: 'ask' } },
    async prepare(_client, lab) {
      lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Smoke test' });
    },
    async drive(handle) {
      await waitFor(handle, (s) => s.stepFailure !== undefined);
      await handle.executeUpdate(messages.retryUpdate, { args: [{ by: 'frank', reason: 'runner lost network' }] });
    },
  },
  {
    name: 'window-waited',
    outcome: 'SUCCEEDED',
    overrides: () => ({
      approval: { required: false },
      windows: [{ days: 'mon-sun', hours: '00:00-24:00', timeZone: 'Europe/Berlin' }],
      freezes: [freezeFor(4_000, 'maintenance')],
    }),
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'window');
    },
  },
  {
    name: 'window-overridden',
    outcome: 'SUCCEEDED',
    overrides: () => ({
      approval: { required: false },
      freezes: [freezeFor(86_400_000, 'holidays')],
    }),
    async drive(handle) {
      await waitFor(handle, (s) => s.phase === 'window');
      await handle.executeUpdate(messages.overrideWindowUpdate, { args: [{ by: 'alice', reason: 'hotfix for incident 4711' }] });
    },
  },
  {
    name: 'reverted',
    outcome: 'SUCCEEDED',
    overrides: { approval: { required: false }, sync: { enabled: false } },
    // A first deployment moves traffic to green (not recorded); the revert brings blue back, warm.
    async prepare(client, lab) {
      const config = deepMerge(deepMerge(lab.exampleConfig('history-reverted'), QUICK), {
        approval: { required: false },
        sync: { enabled: false },
      });
      const first = resolvePlan(parseConfigText(stringify(config), 'history-reverted.yaml', {}), {
        requestedBy: 'record-histories',
        deploymentId: 'history-reverted-0',
      });
      const done = await finalStatus(await startDeployment(client, first, { taskQueue: TASK_QUEUE }));
      if (done.outcome !== 'SUCCEEDED') throw new Error(`reverted: the first deployment ended ${done.outcome}`);
      return {
        requestedColor: 'blue',
        revert: {
          of: done.deploymentId,
          color: 'blue',
          ...(done.previous?.sha ? { sha: done.previous.sha } : {}),
          warm: true,
          reason: 'bad release',
        },
      };
    },
    async drive() {},
  },
];

/** The notification secrets of the lab being recorded (the worker's channels point at its receivers). */
let labSecrets: Record<string, string> = {};

async function record(client: Client, scenario: Scenario): Promise<void> {
  const lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
  try {
    // A failing run must be armed before the dispatch; everything else reacts to the status.
    const service = `history-${scenario.name}`;
    const overrides = typeof scenario.overrides === 'function' ? scenario.overrides() : scenario.overrides;
    const config = deepMerge(deepMerge(lab.exampleConfig(service), QUICK), overrides);
    const resolved = resolvePlan(parseConfigText(stringify(config), `${service}.yaml`, {}), {
      requestedBy: 'record-histories',
      deploymentId: `${service}-1`,
    });
    labSecrets = lab.notifications.secretsEnv();
    const plan = { ...resolved, ...((await scenario.prepare?.(client, lab, resolved)) ?? {}) };
    if (scenario.outcome === 'FAILED') await scenario.drive(undefined as never, lab);
    const handle = await startDeployment(client, plan, { taskQueue: TASK_QUEUE });
    if (scenario.outcome !== 'FAILED') await scenario.drive(handle, lab);
    const result = await finalStatus(handle);
    if (result.outcome !== scenario.outcome) {
      throw new Error(`${scenario.name}: expected ${scenario.outcome}, got ${result.outcome} (${result.error ?? ''})`);
    }
    const history = await handle.fetchHistory();
    const file = `${OUT_DIR}${scenario.name}${SUFFIX}.json`;
    // protobufjs's JSON form (int64 as strings, enums by name, bytes in base64): it reads back
    // with History.fromObject. (historyToJSON/historyFromJSON of @temporalio/common break when
    // npm installs two protobufjs copies, as it does here.)
    await writeFile(file, `${JSON.stringify(history, null, 1)}\n`);
    console.log(`${scenario.name}: ${result.outcome}, ${history.events?.length ?? 0} events → ${file}`);
  } finally {
    await scenario.cleanup?.();
    await lab.close();
  }
}

async function run(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // Always the workflow sources of this checkout (workflows/index.ts), never a prebuilt bundle.
  delete process.env['BLUEGREEN_WORKFLOW_BUNDLE'];
  const given = process.env['TEMPORAL_ADDRESS'];
  const server = given ? undefined : await startDevServer();
  const address = given ?? server!.address;
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const worker = await createBlueGreenWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      activities: createActivities({
        github: createGitHubClientCache({ auth: { kind: 'token', token: 'lab-token' }, writeSpacingMs: 0 }),
        githubOptions: { dispatchWindowMs: 1_000, runDiscoveryPollMs: 100, runDiscoveryTimeoutMs: 3_000 },
        env: {},
        policy: LAB_WORKER_POLICY,
        notify: { channels: NOTIFY_CHANNELS, secrets: (name) => labSecrets[name], timeoutMs: 2_000 },
      }),
    });
    await mkdir(OUT_DIR, { recursive: true });
    await worker.runUntil(async () => {
      // `-- name …`: only those (new paths get new files; the old ones stay as recorded).
      const only = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--suffix');
      const chosen = [...SCENARIOS, ...RESILIENCE_SCENARIOS, ...NOTIFY_SCENARIOS, ...ANALYSIS_SCENARIOS].filter(
        (s) => only.length === 0 || only.includes(s.name),
      );
      if (only.length > 0 && chosen.length !== only.length) throw new Error(`unknown scenario in ${only.join(', ')}`);
      for (const scenario of chosen) await record(client, scenario);
    });
  } finally {
    await workerConnection.close();
    await connection.close();
    await server?.stop();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
