// switch.steps through a real HAProxy (Debian package, Runtime API socket, its frontend the public
// endpoint). The switch talks to HAProxy through a command log in front of its socket
// (lab/haproxy-command-log.ts), so the weight writes HAProxy received are read in order; the weights
// it held are polled through its own socket. A three-step deployment writes green 10, 50, 100 once
// each; a rollback request at step two puts all traffic back on blue at once (an abort there does
// the same: test/traffic-steps-aws); a metric failing at step two rolls back naming it; a `bluegreen worker` process
// SIGKILLed in step one's pause and replaced writes every step exactly once.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, inject } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { rollbackSignal } from '../contract/messages.js';
import { startHaproxy, type HaproxyServer } from '../lab/haproxy.js';
import { startHaproxyCommandLog, type HaproxyCommandLog } from '../lab/haproxy-command-log.js';
import type { Lab } from '../lab/index.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { dnsLabPlan } from './support/dns.js';
import { errorRateAnalysis, startMetricEndpoint } from './support/metric-endpoint.js';
import { finalStatus, finalStatusWithin } from './support/final-status.js';
import { waitForSwitchDetail } from './support/switch-detail.js';
import { it } from './support/fixture.js';
import { historyWork, identityOf, tempDir } from './support/processes.js';

const QUICK = {
  verify: { successes: 1, interval: '100ms', timeout: '10s' },
  approval: { required: false },
  monitor: { duration: '300ms', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};
const missing = inject('haproxyMissing');
const appPort = (lab: Lab, color: 'blue' | 'green') => Number(new URL(lab.appUrls[color]).port);

/** Polls green's weight through the socket every 20 ms; the distinct values in the order HAProxy held them. */
function watchWeights(haproxy: HaproxyServer) {
  const seen: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const answer = await haproxy.command('get weight app/green').catch(() => '');
      const weight = Number(answer.split(' ')[0]);
      if (answer && Number.isFinite(weight) && seen.at(-1) !== weight) seen.push(weight);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

type Own = <T extends { close(): unknown }>(resource: T) => T;

/** HAProxy in front of the lab's apps, its socket behind a command log; the policy and switch naming the log's socket. */
async function haproxyWorld(lab: Lab, own: Own) {
  const haproxy = own(await startHaproxy({ servers: { blue: appPort(lab, 'blue'), green: appPort(lab, 'green') } }));
  const log: HaproxyCommandLog = own(await startHaproxyCommandLog(haproxy.socket, dirname(haproxy.socket)));
  const policyYaml = `${LAB_WORKER_POLICY_YAML}\nhaproxy:\n  sockets: [{ path: "${log.socket}", backends: [app] }]`;
  return {
    haproxy,
    log,
    policyYaml,
    policy: parseWorkerPolicy(policyYaml, 'test policy'),
    switch: { type: 'haproxy', socket: log.socket, backend: 'app', verifyTimeout: '10s' },
  };
}

describe.skipIf(missing !== '')('switch.steps through HAProxy', () => {
  it(
    'a three-step deployment: HAProxy holds green at 10, 50, then 100',
    { timeout: 90_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const { haproxy, log, policy, switch: base } = await haproxyWorld(lab, own);
      await startWorker(lab, { policy });
      const sw = { ...base, steps: [10, 50, 100], stepPause: '1s' };
      const plan = dnsLabPlan(lab, `svc-haproxy-steps-${Date.now() % 1e6}`, { ...QUICK, publicUrl: haproxy.url, switch: sw });
      const weights = watchWeights(haproxy);
      const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
      await weights.stop();
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe('SUCCEEDED');
      expect(weights.seen).toEqual([0, 10, 50, 100]);
      expect(log.weightWrites('app', 'green')).toEqual([10, 50, 100]);
      expect(log.weightWrites('app', 'blue')).toEqual([90, 50, 0]);
      expect(result.weight).toMatchObject({ color: 'green', percent: 100, step: 3, steps: 3 });
    },
  );

  it(
    'a rollback request at step two: HAProxy goes 10, 50, then green 0 at once',
    { timeout: 90_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const { haproxy, log, policy, switch: base } = await haproxyWorld(lab, own);
      await startWorker(lab, { policy });
      const sw = { ...base, steps: [10, 50, 100], stepPause: '8s' };
      const plan = dnsLabPlan(lab, `svc-haproxy-back-${Date.now() % 1e6}`, { ...QUICK, publicUrl: haproxy.url, switch: sw });
      const weights = watchWeights(haproxy);
      const handle = await startDeployment(client, plan, { taskQueue });
      await expect.poll(() => weights.seen.at(-1), { timeout: 30_000 }).toBe(50);
      await handle.signal(rollbackSignal, { by: 'alice', reason: 'errors at 50 %' });
      const result = await finalStatus(handle);
      await weights.stop();
      expect(result.outcome).toBe('ROLLED_BACK');
      expect(weights.seen).toEqual([0, 10, 50, 0]);
      expect(log.weightWrites('app', 'green')).toEqual([10, 50, 0]);
      expect(await haproxy.command('get weight app/blue')).toMatch(/^100 /);
    },
  );

  it(
    'a metric failing at step two: green 10, 50, then 0; ROLLED_BACK naming the metric',
    { timeout: 90_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const { haproxy, log, policy, switch: base } = await haproxyWorld(lab, own);
      // Errors once HAProxy was told green 50: the endpoint reads the last write.
      const metric = own(await startMetricEndpoint(() => (log.weightWrites('app', 'green').at(-1) === 50 ? 0.2 : 0)));
      await startWorker(lab, { policy });
      const plan = dnsLabPlan(lab, `svc-haproxy-metric-${Date.now() % 1e6}`, {
        ...QUICK,
        publicUrl: haproxy.url,
        ...errorRateAnalysis(metric.url, QUICK.monitor),
        switch: { ...base, steps: [10, 50, 100], stepPause: '2s' },
      });
      const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
      expect(result.outcome).toBe('ROLLED_BACK');
      expect(result.error).toContain('step 2 of 3');
      expect(result.error).toContain('error-rate');
      expect(log.weightWrites('app', 'green')).toEqual([10, 50, 0]);
      expect(await haproxy.command('get weight app/blue')).toMatch(/^100 /);
    },
  );

  it(
    "the worker process SIGKILLed in step one's pause, then replaced: 10, 50, 100 each written once",
    { timeout: 180_000 },
    async ({ lab, own, spawnWorker, client, taskQueue }) => {
      const { haproxy, log, policyYaml, switch: base } = await haproxyWorld(lab, own);
      const policyFile = join(tempDir('bg-steps-kill-'), 'bluegreen-worker.yaml');
      writeFileSync(policyFile, policyYaml);
      const spawn = (name: string) => spawnWorker({ githubToken: lab.token, name, env: { BLUEGREEN_WORKER_POLICY: policyFile } });
      const first = await spawn('worker 1');
      const plan = dnsLabPlan(lab, `svc-haproxy-kill-${Date.now() % 1e6}`, {
        ...QUICK,
        publicUrl: haproxy.url,
        // A dead worker's pause activity is noticed within the heartbeat timeout.
        timeouts: { heartbeat: '2s' },
        switch: { ...base, steps: [10, 50, 100], stepPause: '4s' },
      });
      const handle = await startDeployment(client, plan, { taskQueue });
      await waitForSwitchDetail(handle, /step 1 of 3: green 10 % .*analysing/);
      expect(log.weightWrites('app', 'green')).toEqual([10]);
      expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
      const second = await spawn('worker 2');
      const result = await finalStatusWithin(handle, 120_000);
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe('SUCCEEDED');
      expect(log.weightWrites('app', 'green')).toEqual([10, 50, 100]);
      expect(log.weightWrites('app', 'blue')).toEqual([90, 50, 0]);
      const work = await historyWork(handle);
      expect([...work.identities].sort()).toEqual([identityOf(first), identityOf(second)].sort());
    },
  );
});
