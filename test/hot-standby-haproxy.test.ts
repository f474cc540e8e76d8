// The hot standby through a real HAProxy (Debian package, Runtime API socket, its frontend the
// public endpoint), the lab's apps behind it: the old color (blue) turns unhealthy while the new
// one (green) is monitored, then green fails its threshold. The rollback is held: HAProxy's
// weights stay green 100 / blue 0 while it waits, read through its own socket; a second
// `rollback` switches anyway and HAProxy then holds blue 100 / green 0.
import { describe, expect, inject } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { rollbackSignal, statusQuery } from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { startHaproxy, type HaproxyServer } from '../lab/haproxy.js';
import type { Lab } from '../lab/index.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { dnsLabPlan } from './support/dns.js';
import { finalStatus } from './support/final-status.js';
import { it } from './support/fixture.js';

const missing = inject('haproxyMissing');
const appPort = (lab: Lab, color: 'blue' | 'green') => Number(new URL(lab.appUrls[color]).port);
const weightOf = async (haproxy: HaproxyServer, color: 'blue' | 'green') =>
  Number((await haproxy.command(`get weight app/${color}`)).split(' ')[0]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(missing !== '')('hot standby through HAProxy', () => {
  it(
    'the old color unhealthy: the rollback is held and HAProxy keeps green; a second rollback moves it to blue',
    { timeout: 120_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const haproxy = own(await startHaproxy({ servers: { blue: appPort(lab, 'blue'), green: appPort(lab, 'green') } }));
      const policyYaml = `${LAB_WORKER_POLICY_YAML}\nhaproxy:\n  sockets: [{ path: "${haproxy.socket}", backends: [app] }]`;
      await startWorker(lab, { policy: parseWorkerPolicy(policyYaml, 'test policy') });
      const plan = dnsLabPlan(lab, `svc-standby-haproxy-${Date.now() % 1e6}`, {
        verify: { successes: 1, interval: '100ms', timeout: '10s' },
        approval: { required: false },
        monitor: { duration: '60s', interval: '100ms', failureThreshold: 3, standby: { failures: 3, askTimeout: '5m' } },
        sync: { enabled: false },
        publicUrl: haproxy.url,
        switch: { type: 'haproxy', socket: haproxy.socket, backend: 'app', verifyTimeout: '10s' },
      });
      const handle = await startDeployment(client, plan, { taskQueue });
      const status = () => handle.query(statusQuery);
      await expect.poll(async () => (await status()).phase, { timeout: 60_000, interval: 50 }).toBe('monitor');
      expect(await weightOf(haproxy, 'green')).toBe(100);

      // Blue turns unhealthy for longer than 3 of the monitor's rounds, then green fails its own.
      lab.apps.setHealthy('blue', false);
      await sleep(800);
      lab.apps.setHealthy('green', false);
      await expect.poll(async () => (await status()).standby?.held !== undefined, { timeout: 30_000, interval: 50 }).toBe(true);
      const waiting: DeploymentStatus = await status();
      expect(waiting.phase).toBe('rollback');
      expect(waiting.standby).toMatchObject({ color: 'blue', healthy: false });
      expect(waiting.phases.find((p) => p.name === 'rollback')?.detail).toMatch(
        /^rollback held: the old color blue is unhealthy \(health: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/health.*\); the rollback was due: 3 consecutive failures/,
      );
      // Held: HAProxy is not touched, now or a while later.
      expect([await weightOf(haproxy, 'green'), await weightOf(haproxy, 'blue')]).toEqual([100, 0]);
      await sleep(1_500);
      expect([await weightOf(haproxy, 'green'), await weightOf(haproxy, 'blue')]).toEqual([100, 0]);
      expect((await status()).outcome).toBeUndefined();

      await handle.signal(rollbackSignal, { by: 'alice', reason: 'blue degraded beats green down' });
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('ROLLED_BACK');
      expect([await weightOf(haproxy, 'green'), await weightOf(haproxy, 'blue')]).toEqual([0, 100]);
      expect(result.phases.find((p) => p.name === 'rollback')?.detail).toContain(
        'switched back although blue was unhealthy (health: HTTP 503',
      );
      expect(result.phases.find((p) => p.name === 'rollback')?.detail).toContain(
        'decided by alice: blue degraded beats green down',
      );
    },
  );
});
