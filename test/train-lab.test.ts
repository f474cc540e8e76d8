// A release train on the lab with a real worker: three services (web after api, worker
// independent), each with a lab of its own (its GitHub, its router, its blue and green apps), so a
// failure of one service's app is that service's alone. The train runs on the shared dev server.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { stringify } from 'yaml';
import * as messages from '../contract/messages.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import { trainWorkflowIdFor, type TrainStatus } from '../contract/train.js';
import {
  approveAndWaitForWebGreen,
  expectEveryServiceBackWebFirst,
  finalTrain,
  gitHubGatedTrainPlan,
  it,
  outcomes,
  publicColor,
  ROLES,
  SERVICE,
  startTrain,
  trainPlan,
  until,
  type Labs,
  type Role,
} from './support/train-lab.js';
import { cliEnv, runCli, stopCliProcesses } from './support/cli-runner.js';
import { errorRateAnalysis, startMetricEndpoint } from './support/metric-endpoint.js';
import type { DeploymentStatus } from '../contract/types.js';
import { deepMerge, uniqueService } from './support/lab-deployments.js';

/** A train file and each service's bluegreen.yaml (in a folder of its own), as a user writes them. */
function writeTrainFiles(labs: Labs) {
  const train = uniqueService('tl');
  const names = Object.fromEntries(ROLES.map((r) => [r, `${train}-${r}`])) as Record<Role, string>;
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-train-'));
  for (const role of ROLES) {
    mkdirSync(join(dir, role));
    const config = deepMerge(labs[role].exampleConfig(names[role]), SERVICE);
    writeFileSync(join(dir, role, 'bluegreen.yaml'), stringify(config));
  }
  const file = {
    train,
    services: [
      { config: 'api/bluegreen.yaml' },
      { config: 'web/bluegreen.yaml', after: [names.api] },
      { config: 'worker/bluegreen.yaml' },
    ],
    approval: { required: true, approvers: ['qa-lead'], minApprovals: 1, timeout: '1h' },
  };
  writeFileSync(join(dir, 'bluegreen-train.yaml'), stringify(file));
  return { dir, train, names };
}

describe('release train on the lab', () => {
  afterAll(stopCliProcesses);

  it(
    'happy train through the CLI: deploy <train file>, train approve, train status: SUCCEEDED, every service on green, one deploy each',
    { timeout: 60_000 },
    async ({ client, worker, labs }) => {
      const { dir, train, names } = writeTrainFiles(labs);
      const started = await runCli([
        'deploy',
        join(dir, 'bluegreen-train.yaml'),
        '--by',
        'deployer',
        '--task-queue',
        worker.taskQueue,
        '--no-preflight',
      ]);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toContain(`started release train ${train}`);
      // The gate is awaited with a query: a CLI process per poll would cost a second each.
      const handle = client.workflow.getHandle(trainWorkflowIdFor(train));
      await until(
        () => handle.query(trainStatusQuery),
        (s) => s.phase === 'approval' || !!s.outcome,
        'approval',
      );
      for (const role of ROLES) expect(labs[role].router.activeColor).toBe('blue');
      const approved = await runCli(['train', 'approve', train, '--by', 'qa-lead']);
      expect(approved.code, approved.stderr).toBe(0);
      const watched = await runCli(['train', 'status', train, '--watch']);
      expect(watched.stdout).toContain(`release train ${train}: SUCCEEDED`);
      expect(watched.code, watched.stdout).toBe(0);
      const end = (JSON.parse((await runCli(['train', 'status', train, '--json'])).stdout) as { train: TrainStatus }).train;
      expect(outcomes(end, names)).toEqual({ api: 'SUCCEEDED', web: 'SUCCEEDED', worker: 'SUCCEEDED' });
      for (const role of ROLES) {
        const lab = labs[role];
        expect(await publicColor(lab), role).toBe('green');
        expect(lab.github.dispatchCount('deploy-green.yml'), role).toBe(1);
        expect(lab.github.dispatchCount('dns-update.yml'), role).toBe(1);
        expect(lab.github.dispatchCount('deploy-blue.yml'), role).toBe(1); // sync, once the whole train succeeded
        expect(
          lab.router.switches.filter((s) => s.changed).map((s) => s.color),
          role,
        ).toEqual(['green']);
      }
      // web switched only after api answered green.
      const at = (role: Role) => labs[role].router.switches.find((s) => s.changed)!.at;
      expect(at('api') < at('web')).toBe(true);
    },
  );

  it(
    'api failing under traffic after web switched rolls back every switched service, web before api: ROLLED_BACK',
    { timeout: 60_000 },
    async ({ client, worker, labs }) => {
      const watching = { monitor: { duration: '20s', interval: '100ms', failureThreshold: 3 } };
      const { plan, names } = trainPlan(labs, { api: watching, web: watching, worker: watching });
      const handle = await startTrain(client, worker.taskQueue, plan);
      await approveAndWaitForWebGreen(handle, labs);
      // web switched (so api already answered green): api's new color starts failing its health.
      labs.api.apps.setHealthy('green', false);
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('ROLLED_BACK');
      expect(end.error).toContain(names.api);
      expect(outcomes(end, names)).toEqual({ api: 'ROLLED_BACK', web: 'ROLLED_BACK', worker: 'ROLLED_BACK' });
      await expectEveryServiceBackWebFirst(labs);
    },
  );

  it(
    'a metric failure in api after web switched rolls back every switched service, web before api: ROLLED_BACK naming api and the metric',
    { timeout: 60_000 },
    async ({ client, worker, labs, own }) => {
      let failing = false;
      const metric = own(await startMetricEndpoint(() => (failing ? 0.2 : 0)));
      const monitor = { duration: '20s', interval: '100ms', failureThreshold: 3 };
      const { plan, names } = trainPlan(labs, {
        api: errorRateAnalysis(metric.url, monitor),
        web: { monitor },
        worker: { monitor },
      });
      const handle = await startTrain(client, worker.taskQueue, plan);
      await approveAndWaitForWebGreen(handle, labs);
      failing = true; // api's error rate goes to 20 % under traffic; its health stays fine
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('ROLLED_BACK');
      expect(end.error).toContain(names.api);
      expect(end.error).toContain('error-rate');
      expect(outcomes(end, names)).toEqual({ api: 'ROLLED_BACK', web: 'ROLLED_BACK', worker: 'ROLLED_BACK' });
      await expectEveryServiceBackWebFirst(labs);
    },
  );

  it(
    'a deploy failure in worker stops the train before anything switched, the others cut short in flight: FAILED',
    { timeout: 60_000 },
    async ({ client, worker, labs }) => {
      labs.worker.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
      const { plan, names } = trainPlan(labs);
      const handle = await startTrain(client, worker.taskQueue, plan);
      await until(
        () => handle.query(trainStatusQuery),
        (s) => !!s.outcome,
        'the train ending',
        30_000,
      );
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('FAILED');
      expect(end.error).toContain(names.worker);
      expect(end.error).toMatch(/traffic untouched/);
      expect(outcomes(end, names).worker).toBe('FAILED');
      for (const role of ROLES) {
        const lab = labs[role];
        expect(await publicColor(lab), role).toBe('blue');
        expect(lab.github.dispatchCount('dns-update.yml'), role).toBe(0);
        expect(
          lab.router.switches.filter((s) => s.changed),
          role,
        ).toEqual([]);
      }
    },
  );

  it(
    'abort during the approval stops every service, nothing switched: ABORTED',
    { timeout: 60_000 },
    async ({ client, worker, labs }) => {
      const { plan, names } = trainPlan(labs);
      const handle = await startTrain(client, worker.taskQueue, plan);
      await until(
        () => handle.query(trainStatusQuery),
        (s) => s.phase === 'approval' || !!s.outcome,
        'approval',
      );
      await handle.signal(messages.abortSignal, { by: 'deployer', reason: 'wrong build' });
      // A train that ignored the abort would hold forever: fail here instead of at the test's timeout.
      await until(
        () => handle.query(trainStatusQuery),
        (s) => !!s.outcome,
        'the train ending',
        20_000,
      );
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('ABORTED');
      expect(end.error).toMatch(/aborted by deployer: wrong build/);
      expect(outcomes(end, names)).toEqual({ api: 'ABORTED', web: 'ABORTED', worker: 'ABORTED' });
      for (const role of ROLES) {
        const lab = labs[role];
        expect(await publicColor(lab), role).toBe('blue');
        expect(lab.github.dispatchCount('deploy-green.yml'), role).toBe(1);
        expect(lab.github.dispatchCount('dns-update.yml'), role).toBe(0);
        expect(
          lab.router.switches.filter((s) => s.changed),
          role,
        ).toEqual([]);
      }
    },
  );

  it(
    "one approval verified by GitHub (api's policy takes only those): a typed name is refused and the train waits; QA's review on GitHub switches all: SUCCEEDED",
    { timeout: 60_000 },
    async ({ client, worker, labs }) => {
      const { plan, names } = await gitHubGatedTrainPlan(labs);
      const handle = await startTrain(client, worker.taskQueue, plan);
      const gate = await until(
        () => handle.query(trainStatusQuery),
        (s) => (s.phase === 'approval' && s.gate?.url !== undefined) || !!s.outcome,
        'the gate run on GitHub',
      );
      expect(gate.outcome, gate.error).toBeUndefined();
      // QA sees in one place the gate run to review and every service's SHA and verify evidence.
      expect(gate.gate).toMatchObject({ service: names.api, environment: 'qa' });
      expect(gate.waitingFor).toContain(`${gate.gate!.url} → Review deployments`);
      for (const s of gate.services) {
        expect(s.sha, s.service).toBeDefined();
        expect(s.verify, s.service).toBeDefined();
        expect(gate.waitingFor).toContain(`${s.service} ${s.sha!.slice(0, 7)}`);
      }
      // A typed name proves nothing under a github-only policy: refused, recorded, the train still waits.
      const refused = await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'qa-lead' }] }).catch((e: Error) => e);
      expect(String((refused as { cause?: Error }).cause?.message)).toMatch(/takes approvals on GitHub only/);
      await handle.signal(messages.approveSignal, { by: 'qa-lead' });
      const after = await until(
        () => handle.query(trainStatusQuery),
        (s) => s.approvals.length > 0 || !!s.outcome,
        'the refused approval recorded',
      );
      expect(after.approvals).toMatchObject([{ by: 'qa-lead', counted: false }]);
      await new Promise((r) => setTimeout(r, 500));
      const still = await handle.query(trainStatusQuery);
      expect(still.phase).toBe('approval');
      expect(still.outcome).toBeUndefined();
      for (const role of ROLES) expect(labs[role].router.activeColor, role).toBe('blue');
      // QA reviews the gate run on GitHub with her own token, through the train's command.
      const approved = await runCli(['train', 'approve', plan.train, '--comment', 'QA passed on green'], {
        env: cliEnv({ GITHUB_TOKEN: labs.api.github.reviews.tokenOf('alice') }),
      });
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toMatch(/approved gate run \d+ on GitHub/);
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('SUCCEEDED');
      expect(outcomes(end, names)).toEqual({ api: 'SUCCEEDED', web: 'SUCCEEDED', worker: 'SUCCEEDED' });
      expect(end.approvals.filter((a) => a.counted)).toMatchObject([
        { by: 'alice', verified: true, comment: 'QA passed on green' },
      ]);
      for (const role of ROLES) {
        expect(await publicColor(labs[role]), role).toBe('green');
        const status = (await client.workflow
          .getHandle(`bluegreen-${names[role]}`)
          .query(messages.statusQuery)) as DeploymentStatus;
        expect(
          status.approvals.filter((a) => a.counted).map((a) => [a.by, a.verified]),
          role,
        ).toEqual([['alice', true]]);
      }
      expect(labs.api.github.dispatchCount('qa-gate.yml')).toBe(1);
    },
  );
});
