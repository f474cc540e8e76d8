// The set-up every deployment test file needs, as vitest fixtures (`test.extend`), instead of a
// beforeAll/afterEach block copied into each file:
//   import { it } from './support/fixture.js';
//   it('…', async ({ lab, deploy }) => {          // a lab, and a worker on this test's task queue
//     const { handle } = await deploy('svc-x', { approval: { required: false } });
//   });
// `it.scoped({ labOptions })` changes the lab for a describe block; a test that needs another
// kind of lab starts it itself and hands it to `own`, then uses `startWorker` and `deployTo`
// (`spawnWorker` for a `bluegreen worker` process instead). Whatever a test starts through these
// is stopped when it ends, last started first (a worker before the lab it talks to). Fixtures
// are lazy: a test starts only what it names. Tests that share one worker across a file use
// sharedLabWorker (lab-deployments.ts) instead.
// A describe block's `timeout` does not reach the tests of a `test.extend` (vitest 3.2): give
// a slow test its timeout itself (`it(name, { timeout }, fn)`).
import type { Client } from '@temporalio/client';
import { test as base } from 'vitest';
import { startDeployment } from '../../client/start-deployment.js';
import { startLab, type Lab, type LabOptions } from '../../lab/index.js';
import type { DeploymentPlan } from '../../contract/types.js';
import {
  connectClient,
  labPlan,
  startTestWorker,
  taskQueueFor,
  temporalAddress,
  type TestWorker,
  type TestWorkerOptions,
} from './harness.js';
import { spawnWorker, type ManagedProcess, type WorkerProcessOptions } from './processes.js';

/** GitHub runs that take 30 ms queued and 150 ms in progress: the pace of most tests. */
export const FAST_LAB: LabOptions = { runTiming: { queuedMs: 30, inProgressMs: 150 } };

type Closable = { close(): unknown } | { stop(): unknown };

/** What the fixtures need of a lab: the lab of lab/index.ts, the app-router lab, a DNS lab. */
export type TestLab = Pick<Lab, 'token' | 'exampleConfig' | 'close'>;

/** How a test file starts its kind of lab. */
export interface LabKind<L extends TestLab, O> {
  start(options: O): Promise<L>;
  /** The `labOptions` fixture's default. */
  defaults: O;
  /** The `worker` fixture's options for a lab of this kind (e.g. a secret it holds). @default none */
  workerOptions?: (lab: L) => TestWorkerOptions;
}

export interface DeploymentFixtures<L extends TestLab = Lab, O = LabOptions> {
  /** A client on the shared dev server, one connection per test file. */
  client: Client;
  /** A task queue of this test's own, named after it, so no other test's worker takes its tasks. */
  taskQueue: string;
  /** Stops `resource` (its `stop()` or `close()`) when the test ends; returns it. */
  own<T extends Closable>(resource: T): T;
  /** The `lab` fixture's options. @default the lab kind's defaults (FAST_LAB for startLab) */
  labOptions: O;
  /** A lab on 127.0.0.1, started with `labOptions`. */
  lab: L;
  /** A worker for `lab` on `taskQueue`. */
  worker: TestWorker;
  /** Starts a deployment of `service` on `lab` (served by `worker`): the example config with `overrides` merged in. */
  deploy: (service: string, overrides?: Record<string, unknown>) => Promise<Deployment>;
  /**
   * A worker with the real activities on this test's task queue, sending `lab`'s token with two
   * Octokit retries unless `options` say otherwise (for a test that needs another worker than `worker`).
   */
  startWorker(lab: Pick<Lab, 'token'>, options?: TestWorkerOptions): Promise<TestWorker>;
  /** `deploy` for a lab or worker the test started itself. */
  deployTo(lab: Pick<Lab, 'exampleConfig'>, service: string, overrides?: Record<string, unknown>): Promise<Deployment>;
  /** Starts `plan` (one the test built itself) on this test's task queue, served by `worker`. */
  deployPlan(plan: DeploymentPlan): Promise<Deployment['handle']>;
  /**
   * A `bluegreen worker` process on this test's task queue and the shared dev server (`options`
   * say how it authenticates), running once it polls; SIGKILLed when the test ends.
   */
  spawnWorker(options: Omit<WorkerProcessOptions, 'taskQueue' | 'temporalAddress'>): Promise<ManagedProcess>;
}

export interface Deployment {
  plan: DeploymentPlan;
  handle: Awaited<ReturnType<typeof startDeployment>>;
}

/** The fixtures for a test file whose labs are of `kind`. */
export function deploymentTest<L extends TestLab, O>(kind: LabKind<L, O>) {
  return base.extend<DeploymentFixtures<L, O>>({
    client: [
      // (vitest reads a fixture's dependencies from its first parameter's pattern: none here)
      async ({}, use) => {
        const { client, connection } = await connectClient();
        await use(client);
        await connection.close();
      },
      { scope: 'file' },
    ],
    taskQueue: async ({ task }, use) => {
      await use(taskQueueFor(task.name));
    },
    own: async ({}, use) => {
      const owned: Closable[] = [];
      await use((resource) => {
        owned.push(resource);
        return resource;
      });
      const errors: unknown[] = [];
      for (const resource of owned.reverse()) {
        try {
          await ('stop' in resource ? resource.stop() : resource.close());
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, `${errors.length} resource(s) of the test did not stop cleanly`);
    },
    labOptions: async ({}, use: (value: O) => Promise<void>) => {
      await use(kind.defaults);
    },
    lab: async ({ labOptions, own }, use) => {
      await use(own(await kind.start(labOptions)));
    },
    worker: async ({ lab, startWorker }, use) => {
      await use(await startWorker(lab, kind.workerOptions?.(lab)));
    },
    startWorker: async ({ own, taskQueue }, use) => {
      await use(async (lab, options = {}) => own(await startTestWorker(taskQueue, { token: lab.token, retries: 2, ...options })));
    },
    deployTo: async ({ client, taskQueue }, use) => {
      await use(async (lab, service, overrides = {}) => {
        const plan = labPlan(lab, service, overrides);
        return { plan, handle: await startDeployment(client, plan, { taskQueue }) };
      });
    },
    // `worker` named so that it starts: a deployment nobody serves would only time out.
    deploy: async ({ lab, worker, deployTo }, use) => {
      void worker;
      await use((service, overrides) => deployTo(lab, service, overrides));
    },
    deployPlan: async ({ client, worker, taskQueue }, use) => {
      void worker;
      await use((plan) => startDeployment(client, plan, { taskQueue }));
    },
    spawnWorker: async ({ own, taskQueue }, use) => {
      await use(async (options) => {
        const worker = await spawnWorker({ taskQueue, temporalAddress: temporalAddress(), ...options });
        own({ stop: () => worker.kill('SIGKILL') });
        return worker;
      });
    },
  });
}

/** The fixtures with the lab of lab/index.ts. */
export const test = deploymentTest({ start: startLab, defaults: FAST_LAB });
export const it = test;
