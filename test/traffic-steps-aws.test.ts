// switch.steps on the AWS switch types against moto in server mode, with the real AWS SDK: the
// worker's AWS endpoint is a request log in front of moto (lab/aws-request-log.ts), so each
// assertion reads the writes the emulator received (ModifyRule on the listener rule,
// ChangeResourceRecordSets on the zone), in order, with when Route 53 answered INSYNC. The lab's
// router follows moto's state, so each step's share is sampled on a real public endpoint; a JSON
// metric endpoint on loopback is the step analysis' metric.
//   - three steps [10, 50, 100]: green 10 → 50 → 100 written once each, in that order;
//   - an abort at step two (taken as a rollback of the steps): green 0 at once, or down
//     the steps with `rollback: ramp`;
//   - the metric failing at step two: green back to 0, ROLLED_BACK naming the metric;
//   - route53: each step's analysis starts at least the records' TTL after the change was INSYNC;
//   - a `bluegreen worker` process SIGKILLed during step one's pause and replaced: every step
//     written exactly once, none skipped.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { abortUpdate, rollbackSignal, statusQuery } from '../contract/messages.js';
import {
  albRuleWrites,
  route53Writes,
  startAwsRequestLog,
  type AwsRequestLog,
  type WeightWrite,
} from '../lab/aws-request-log.js';
import { startLab, type Lab } from '../lab/index.js';
import { createWeightedAlbRule } from '../lab/moto-alb.js';
import { createWeightedRecords } from '../lab/moto-route53.js';
import { MotoServer, startMoto } from '../lab/moto.js';
import type { WeightSource } from '../lab/weight-follower.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { readAlbWeights } from '../switches/alb/aws.js';
import { readRoute53Weights } from '../switches/route53/aws.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { dnsLabPlan } from './support/dns.js';
import { historyWork, identityOf, tempDir } from './support/processes.js';
import { errorRateAnalysis, startMetricEndpoint } from './support/metric-endpoint.js';
import { finalStatus, finalStatusWithin } from './support/final-status.js';
import { waitForSwitchDetail } from './support/switch-detail.js';
import { FAST_LAB, it } from './support/fixture.js';

const QUICK = {
  verify: { successes: 1, interval: '100ms', timeout: '10s' },
  approval: { required: false },
  monitor: { duration: '300ms', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};
/** The records' TTL in the route53 world: small, but well above the timer resolution. */
const TTL_SECONDS = 2;

/** A moto server started by hand to run these checks against (docs/switches.md); else the harness starts one. */
const externalMoto = process.env['BLUEGREEN_TEST_MOTO_URL'];
const missing = externalMoto ? '' : inject('motoMissing');
if (missing) console.warn(`test/traffic-steps-aws.test.ts: skipped: ${missing}`);

interface World {
  lab: Lab;
  /** The `switch:` section for this world, steps added by the test. */
  switch: Record<string, unknown>;
  /** The policy section that lists this world's target, its endpoint the request log. */
  policyYaml: string;
  /** The weight writes the emulator received for this world's target, in order. */
  writes(): WeightWrite[];
}

describe.skipIf(missing !== '')('switch.steps on moto (alb, route53)', () => {
  let moto: MotoServer;
  let log: AwsRequestLog;
  beforeAll(async () => {
    // The AWS SDK's default credential chain reads these (moto accepts any).
    process.env['AWS_ACCESS_KEY_ID'] = 'testing';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
    moto = externalMoto ? MotoServer.attach(externalMoto) : await startMoto();
    log = await startAwsRequestLog(moto.url);
  });
  afterAll(async () => {
    await log?.close();
    await moto?.close();
  });

  const section = (key: string, body: string) => `${key}:\n  region: us-east-1\n  endpoint: "${log.url}"\n${body}`;
  const follow = (read: () => Promise<{ blue: number; green: number }>): WeightSource => ({ read, pollIntervalMs: 50 });

  async function albWorld(own: <T extends { close(): unknown }>(r: T) => T): Promise<World> {
    const { elb, ruleArn, targetGroups } = await createWeightedAlbRule(moto, `st${Date.now() % 1e7}`, 'datatruck.example.com');
    const lab = own(await startLab({ ...FAST_LAB, weights: follow(() => readAlbWeights(elb, { ruleArn, targetGroups })) }));
    return {
      lab,
      switch: { type: 'alb', ruleArn, targetGroups, verifyTimeout: '10s' },
      policyYaml: section('alb', `  rules: ["${ruleArn}"]\n  targetGroups: ["${targetGroups.blue}", "${targetGroups.green}"]`),
      writes: () => albRuleWrites(log.requests, ruleArn, targetGroups),
    };
  }

  async function route53World(own: <T extends { close(): unknown }>(r: T) => T): Promise<World> {
    const { r53, hostedZoneId, name } = await createWeightedRecords(moto, `s${Date.now() % 1e7}.example.com`, 'app', TTL_SECONDS);
    const target = { hostedZoneId, name };
    const lab = own(
      await startLab({ ...FAST_LAB, weights: follow(async () => (await readRoute53Weights(r53, target)).weights) }),
    );
    const writes = () => route53Writes(log.requests, hostedZoneId, { blue: 100, green: 0 });
    return {
      lab,
      switch: { type: 'route53', hostedZoneId, name, verifyTimeout: '10s' },
      policyYaml: section('route53', `  zones: [{ id: ${hostedZoneId}, names: ["${name}"] }]`),
      writes,
    };
  }

  const greens = (writes: WeightWrite[]) => writes.map((w) => w.weights.green);

  for (const kind of ['alb', 'route53'] as const) {
    const world = kind === 'alb' ? albWorld : route53World;

    it(
      `${kind}: three steps [10, 50, 100]: moto received green 10, 50, 100 once each, in order`,
      { timeout: 120_000 },
      async ({ own, startWorker, client, taskQueue }) => {
        const w = await world(own);
        const metric = own(await startMetricEndpoint(() => 0));
        await startWorker(w.lab, { policy: parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\n${w.policyYaml}`, 'test policy') });
        const plan = dnsLabPlan(w.lab, `svc-${kind}-steps-${Date.now() % 1e6}`, {
          ...QUICK,
          ...errorRateAnalysis(metric.url, QUICK.monitor),
          switch: { ...w.switch, steps: [10, 50, 100], stepPause: '1s' },
        });
        const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
        expect(result.error).toBeUndefined();
        expect(result.outcome).toBe('SUCCEEDED');
        const writes = w.writes();
        expect(greens(writes)).toEqual([10, 50, 100]);
        expect(writes.map((x) => x.weights.blue)).toEqual([90, 50, 0]);
        expect(result.weight).toMatchObject({ color: 'green', percent: 100, step: 3, steps: 3 });

        if (kind === 'route53') {
          // Each step below 100: its analysis (the first metric reading after the write) starts
          // no sooner than the TTL after Route 53 said INSYNC.
          for (const [i, write] of writes.slice(0, 2).entries()) {
            expect(write.insyncAt, `step ${i + 1} INSYNC seen`).toBeDefined();
            const firstReading = metric.hits.find((at) => at >= write.at && at < writes[i + 1]!.at);
            expect(firstReading, `step ${i + 1} analysed`).toBeDefined();
            expect(firstReading! - write.insyncAt!).toBeGreaterThanOrEqual(TTL_SECONDS * 1000);
          }
        }
      },
    );

    it(
      `${kind}: an abort at step two: green 10, 50, then 0 at once; ROLLED_BACK worded as the abort`,
      { timeout: 120_000 },
      async ({ own, startWorker, client, taskQueue }) => {
        const w = await world(own);
        await startWorker(w.lab, { policy: parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\n${w.policyYaml}`, 'test policy') });
        const plan = dnsLabPlan(w.lab, `svc-${kind}-back-${Date.now() % 1e6}`, {
          ...QUICK,
          // Long enough to abort in at step two on a loaded machine; step one's pause must pass first.
          switch: { ...w.switch, steps: [10, 50, 100], stepPause: '8s' },
        });
        const handle = await startDeployment(client, plan, { taskQueue });
        await expect.poll(() => greens(w.writes()).at(-1), { timeout: 60_000, interval: 50 }).toBe(50);
        await expect.poll(async () => (await handle.query(statusQuery)).weight?.step, { timeout: 30_000, interval: 50 }).toBe(2);
        const answer = await handle.executeUpdate(abortUpdate, { args: [{ by: 'alice', reason: 'stop' }] });
        expect(answer).toMatchObject({ accepted: true });
        const result = await finalStatus(handle);
        expect(result.outcome).toBe('ROLLED_BACK');
        expect(result.error).toBe('abort requested by alice: stop (at step 2 of 3)');
        expect(greens(w.writes())).toEqual([10, 50, 0]);
        expect(w.writes().at(-1)!.weights.blue).toBe(100);
      },
    );

    it(
      `${kind}: the metric failing at step two: green 10, 50, then 0; ROLLED_BACK naming the metric`,
      { timeout: 120_000 },
      async ({ own, startWorker, client, taskQueue }) => {
        const w = await world(own);
        // Errors once moto holds green at 50 %: the endpoint reads what the switch wrote last.
        const metric = own(await startMetricEndpoint(() => (greens(w.writes()).at(-1) === 50 ? 0.2 : 0)));
        await startWorker(w.lab, { policy: parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\n${w.policyYaml}`, 'test policy') });
        const plan = dnsLabPlan(w.lab, `svc-${kind}-metric-${Date.now() % 1e6}`, {
          ...QUICK,
          ...errorRateAnalysis(metric.url, QUICK.monitor),
          switch: { ...w.switch, steps: [10, 50, 100], stepPause: '2s' },
        });
        const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
        expect(result.outcome).toBe('ROLLED_BACK');
        expect(result.error).toContain('step 2 of 3');
        expect(result.error).toContain('error-rate');
        expect(greens(w.writes())).toEqual([10, 50, 0]);
      },
    );
  }

  for (const kind of ['alb', 'route53'] as const) {
    it(
      `${kind}: the worker process SIGKILLed in step one's pause, then replaced: 10, 50, 100 each written once`,
      { timeout: 180_000 },
      async ({ own, spawnWorker, client, taskQueue }) => {
        const w = await (kind === 'alb' ? albWorld : route53World)(own);
        const dir = tempDir('bg-steps-kill-');
        const policyFile = join(dir, 'bluegreen-worker.yaml');
        writeFileSync(policyFile, `${LAB_WORKER_POLICY_YAML}\n${w.policyYaml}`);
        const spawn = (name: string) =>
          spawnWorker({ githubToken: w.lab.token, name, env: { BLUEGREEN_WORKER_POLICY: policyFile } });
        const first = await spawn('worker 1');
        const plan = dnsLabPlan(w.lab, `svc-${kind}-kill-${Date.now() % 1e6}`, {
          ...QUICK,
          // A dead worker's pause activity is noticed within the heartbeat timeout.
          timeouts: { heartbeat: '2s' },
          switch: { ...w.switch, steps: [10, 50, 100], stepPause: '4s' },
        });
        const handle = await startDeployment(client, plan, { taskQueue });
        await waitForSwitchDetail(handle, /step 1 of 3: green 10 % .*analysing/);
        expect(greens(w.writes())).toEqual([10]);
        expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
        const second = await spawn('worker 2');
        const result = await finalStatusWithin(handle, 120_000);
        expect(result.error).toBeUndefined();
        expect(result.outcome).toBe('SUCCEEDED');
        expect(greens(w.writes())).toEqual([10, 50, 100]);
        const work = await historyWork(handle);
        expect([...work.identities].sort()).toEqual([identityOf(first), identityOf(second)].sort());
      },
    );
  }

  it(
    'alb with rollback: ramp: a rollback at step two goes down the steps, green 10, 50, 10, 0',
    { timeout: 120_000 },
    async ({ own, startWorker, client, taskQueue }) => {
      const w = await albWorld(own);
      await startWorker(w.lab, { policy: parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\n${w.policyYaml}`, 'test policy') });
      const plan = dnsLabPlan(w.lab, `svc-alb-ramp-${Date.now() % 1e6}`, {
        ...QUICK,
        switch: { ...w.switch, steps: [10, 50, 100], stepPause: '1s', rollback: 'ramp' },
      });
      // A long first pause would hold the ramp down too: roll back as soon as 50 % is written.
      const handle = await startDeployment(client, plan, { taskQueue });
      await expect.poll(() => greens(w.writes()).at(-1), { timeout: 60_000, interval: 20 }).toBe(50);
      await handle.signal(rollbackSignal, { by: 'alice', reason: 'errors at 50 %' });
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('ROLLED_BACK');
      expect(greens(w.writes())).toEqual([10, 50, 10, 0]);
    },
  );
});
