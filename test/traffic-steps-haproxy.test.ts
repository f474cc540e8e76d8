// switch.steps through a real HAProxy (Debian package, Runtime API socket, its frontend the public
// endpoint): the weights HAProxy held, polled through its own socket while the deployment ran, are
// the step sequence; a rollback request at step two puts all traffic back on blue at once.
import { describe, expect, inject } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { rollbackSignal } from '../contract/messages.js';
import { startHaproxy, type HaproxyServer } from '../lab/haproxy.js';
import type { Lab } from '../lab/index.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { dnsLabPlan } from './support/dns.js';
import { finalStatus } from './support/final-status.js';
import { it } from './support/fixture.js';

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

describe.skipIf(missing !== '')('switch.steps through HAProxy', () => {
  it(
    'a three-step deployment: HAProxy holds green at 10, 50, then 100',
    { timeout: 90_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const haproxy = own(await startHaproxy({ servers: { blue: appPort(lab, 'blue'), green: appPort(lab, 'green') } }));
      const policy = parseWorkerPolicy(
        `${LAB_WORKER_POLICY_YAML}\nhaproxy:\n  sockets: [{ path: "${haproxy.socket}", backends: [app] }]`,
        'test policy',
      );
      await startWorker(lab, { policy });
      const sw = {
        type: 'haproxy',
        socket: haproxy.socket,
        backend: 'app',
        verifyTimeout: '10s',
        steps: [10, 50, 100],
        stepPause: '1s',
      };
      const plan = dnsLabPlan(lab, `svc-haproxy-steps-${Date.now() % 1e6}`, { ...QUICK, publicUrl: haproxy.url, switch: sw });
      const weights = watchWeights(haproxy);
      const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
      await weights.stop();
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe('SUCCEEDED');
      expect(weights.seen).toEqual([0, 10, 50, 100]);
      expect(result.weight).toMatchObject({ color: 'green', percent: 100, step: 3, steps: 3 });
    },
  );

  it(
    'a rollback request at step two: HAProxy goes 10, 50, then green 0 at once',
    { timeout: 90_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const haproxy = own(await startHaproxy({ servers: { blue: appPort(lab, 'blue'), green: appPort(lab, 'green') } }));
      const policy = parseWorkerPolicy(
        `${LAB_WORKER_POLICY_YAML}\nhaproxy:\n  sockets: [{ path: "${haproxy.socket}", backends: [app] }]`,
        'test policy',
      );
      await startWorker(lab, { policy });
      const sw = {
        type: 'haproxy',
        socket: haproxy.socket,
        backend: 'app',
        verifyTimeout: '10s',
        steps: [10, 50, 100],
        stepPause: '8s',
      };
      const plan = dnsLabPlan(lab, `svc-haproxy-back-${Date.now() % 1e6}`, { ...QUICK, publicUrl: haproxy.url, switch: sw });
      const weights = watchWeights(haproxy);
      const handle = await startDeployment(client, plan, { taskQueue });
      await expect.poll(() => weights.seen.at(-1), { timeout: 30_000 }).toBe(50);
      await handle.signal(rollbackSignal, { by: 'alice', reason: 'errors at 50 %' });
      const result = await finalStatus(handle);
      await weights.stop();
      expect(result.outcome).toBe('ROLLED_BACK');
      expect(weights.seen).toEqual([0, 10, 50, 0]);
      expect(await haproxy.command('get weight app/blue')).toMatch(/^100 /);
    },
  );
});
