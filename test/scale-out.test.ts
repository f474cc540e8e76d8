// Scaling out. Two `bluegreen worker` processes on one task queue share the
// deployments, and a deployment survives losing either of them.
import { generateKeyPairSync } from 'node:crypto';
import { describe } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab, type LabOptions } from '../lab/index.js';
import { test } from './support/fixture.js';
import { labPlan } from './support/harness.js';
import { expectSwitchedToGreenOnce } from './support/lab-deployments.js';
import { historyWork, identityOf, runIsPolled, until, type ManagedProcess } from './support/processes.js';
import { finalStatus } from './support/final-status.js';

const FAST = {
  timeouts: { heartbeat: '2s' },
  approval: { required: false },
  verify: { interval: '100ms' },
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
};

const LAB: LabOptions = { runTiming: { queuedMs: 30, inProgressMs: 300 } };

const it = test.extend<{
  /** Labs (one per service: a lab has one router) and two worker processes on the test's queue; all cleaned up when the test ends. */
  setUp: (services: number) => Promise<{ labs: Lab[]; taskQueue: string; workers: ManagedProcess[] }>;
}>({
  setUp: async ({ own, taskQueue, spawnWorker }, use) => {
    await use(async (services) => {
      const labs: Lab[] = [];
      for (let i = 0; i < services; i++) labs.push(own(await startLab(LAB)));
      // Every lab accepts the same token, so one worker environment serves them all.
      const spawn = (label: string) => spawnWorker({ githubToken: labs[0]!.token, name: label });
      const workers = await Promise.all([spawn('worker A'), spawn('worker B')]);
      return { labs, taskQueue, workers };
    });
  },
});

/** Workflow ids that a worker's log mentions (activity log lines carry the workflow id). */
const workflowIdsInLog = (worker: ManagedProcess): Set<string> =>
  new Set([...worker.output.matchAll(/workflowId: '([^']+)'/g)].map((m) => m[1]!));

// Per test: a test of `test.extend` does not take the timeout of its describe block (vitest 3.2).
const SLOW = { timeout: 120_000 };

describe.concurrent('two worker processes on one task queue', () => {
  it(
    'share six deployments started at once: both do work, every deployment SUCCEEDED with one dispatch of each workflow',
    SLOW,
    async ({ client, setUp, expect }) => {
      const { labs, taskQueue, workers } = await setUp(6);
      const handles = await Promise.all(
        labs.map((lab, i) => startDeployment(client, labPlan(lab, `svc-scale-${i}`, FAST), { taskQueue })),
      );

      const results = await Promise.all(handles.map((h) => finalStatus(h)));

      results.forEach((result, i) => {
        const lab = labs[i]!;
        expect(result.outcome, result.error).toBe('SUCCEEDED');
        expectSwitchedToGreenOnce(expect, lab);
      });
      // Temporal spread the tasks: the histories name both workers, and so do their own logs. (With
      // eager activity execution a deployment's activities mostly stay on the worker that runs its
      // workflow, so the spread is per deployment: six starts at once land on both workers' pollers.)
      const identities = new Set<string>();
      for (const handle of handles) for (const id of (await historyWork(handle)).identities) identities.add(id);
      expect([...identities].sort()).toEqual(workers.map(identityOf).sort());
      const deploymentIds = new Set(handles.map((h) => h.workflowId));
      for (const worker of workers) {
        const seen = [...workflowIdsInLog(worker)].filter((id) => deploymentIds.has(id));
        expect(seen.length, `${worker.name} logged no work:\n${worker.tail()}`).toBeGreaterThan(0);
      }
    },
  );

  for (const victim of ['worker A', 'worker B']) {
    it(
      `a deployment survives losing ${victim} (SIGKILL while the deploy run is in flight), finishing on the other`,
      SLOW,
      async ({ client, setUp, expect }) => {
        const { labs, taskQueue, workers } = await setUp(1);
        const lab = labs[0]!;
        lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 2000 });
        const handle = await startDeployment(client, labPlan(lab, `svc-lose-${victim.at(-1)!.toLowerCase()}`, FAST), {
          taskQueue,
        });
        await until('the deploy run to be polled', () => runIsPolled(lab, 'deploy-green.yml'));
        const killed = workers.find((w) => w.name === victim)!;
        const survivor = workers.find((w) => w !== killed)!;
        expect((await killed.kill('SIGKILL')).signal).toBe('SIGKILL');

        const result = await finalStatus(handle);

        expect(result.outcome, result.error).toBe('SUCCEEDED');
        expectSwitchedToGreenOnce(expect, lab);
        expect(survivor.running).toBe(true);
        // Everything after the kill ran on the survivor.
        const history = await historyWork(handle);
        expect(history.identities).toContain(identityOf(survivor));
        expect(history.lastIdentity).toBe(identityOf(survivor));
      },
    );
  }

  it(
    'with GitHub App auth: two workers mint installation tokens, one is killed midway, the deployment SUCCEEDED',
    SLOW,
    async ({ client, own, taskQueue, spawnWorker, expect }) => {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const app = { appId: 4711, installationId: 815 };
      // tokens: [] — the lab accepts nothing but the installation tokens it issues.
      const lab = own(
        await startLab({
          tokens: [],
          appAuth: { ...app, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
          ...LAB,
        }),
      );
      const githubApp = { ...app, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
      const spawn = (name: string) => spawnWorker({ githubApp, name });
      const workers = await Promise.all([spawn('app worker A'), spawn('app worker B')]);
      lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 2000 });
      const handle = await startDeployment(client, labPlan(lab, 'svc-app-auth', FAST), { taskQueue });
      await until('the deploy run to be polled', () => runIsPolled(lab, 'deploy-green.yml'));
      // Kill whichever worker is polling the run: the other must take over with its own token.
      const polling = (await historyWork(handle)).lastIdentity;
      const victim = workers.find((w) => identityOf(w) === polling) ?? workers[0]!;
      await victim.kill('SIGKILL');

      const result = await finalStatus(handle);

      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expect(lab.router.activeColor).toBe('green');
      expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
      expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
      expect(lab.github.installationTokensIssued).toBeGreaterThanOrEqual(1);
      const kinds = new Set(lab.github.requests.filter((r) => r.path.startsWith('/repos/')).map((r) => r.authKind));
      expect([...kinds]).toEqual(['installation']);
    },
  );
});
