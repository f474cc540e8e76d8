// The native weighted switch types end to end: a whole deployment on the lab (real Temporal dev
// server, real worker) moving traffic through HAProxy's Runtime API (the public URL is HAProxy's
// own frontend), an ALB listener rule in moto and Route 53 weighted records in moto (the lab's
// router follows the emulated state, so verification on the public endpoint runs end to end).
// A plan naming what the worker's policy does not list ends FAILED in plan with nothing touched.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { startHaproxy } from '../lab/haproxy.js';
import { startLab, type Lab } from '../lab/index.js';
import { createWeightedAlbRule } from '../lab/moto-alb.js';
import { createWeightedRecords } from '../lab/moto-route53.js';
import { startMoto, type MotoServer } from '../lab/moto.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { readAlbWeights } from '../switches/alb/aws.js';
import { readRoute53Weights } from '../switches/route53/aws.js';
import type { WeightSource } from '../lab/weight-follower.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { dnsLabPlan } from './support/dns.js';
import { finalStatus } from './support/final-status.js';
import { FAST_LAB, it } from './support/fixture.js';

const QUICK = {
  verify: { successes: 1, interval: '100ms', timeout: '10s' },
  approval: { required: false },
  monitor: { duration: '300ms', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};

function skipped(file: string, missing: string): boolean {
  if (missing) console.warn(`${file}: skipped: ${missing}`);
  return missing !== '';
}

const policyWith = (yaml: string) => parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\n${yaml}`, 'test policy');
const appPort = (lab: Lab, color: 'blue' | 'green') => Number(new URL(lab.appUrls[color]).port);

describe.skipIf(skipped('test/native-switches.test.ts (haproxy)', inject('haproxyMissing')))('switch.type haproxy', () => {
  it(
    'moves traffic blue → green through the Runtime API; the public endpoint is HAProxy itself',
    { timeout: 60_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const haproxy = own(await startHaproxy({ servers: { blue: appPort(lab, 'blue'), green: appPort(lab, 'green') } }));
      await startWorker(lab, { policy: policyWith(`haproxy:\n  sockets: [{ path: "${haproxy.socket}", backends: [app] }]`) });
      const sw = { type: 'haproxy', socket: haproxy.socket, backend: 'app', verifyTimeout: '10s' };
      const plan = dnsLabPlan(lab, 'svc-haproxy', { ...QUICK, publicUrl: haproxy.url, switch: sw });
      const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe('SUCCEEDED');
      expect(await haproxy.command('get weight app/green')).toBe('100 (initial 0)');
      expect(await haproxy.command('get weight app/blue')).toBe('0 (initial 100)');
      expect(result.phases.find((p) => p.name === 'switch')?.detail).toContain('public endpoint answers green');
      // Real requests through HAProxy's frontend: all green now.
      for (let i = 0; i < 10; i++) {
        expect(await (await fetch(`${haproxy.url}/deployment/color/`)).text()).toContain('green');
      }
    },
  );

  it(
    'a plan naming a socket the policy does not list ends FAILED in plan, weights untouched',
    { timeout: 60_000 },
    async ({ lab, own, startWorker, client, taskQueue }) => {
      const haproxy = own(await startHaproxy({ servers: { blue: appPort(lab, 'blue'), green: appPort(lab, 'green') } }));
      await startWorker(lab, { policy: policyWith(`haproxy:\n  sockets: [{ path: /run/haproxy/other.sock }]`) });
      const sw = { type: 'haproxy', socket: haproxy.socket, backend: 'app', verifyTimeout: '10s' };
      const plan = dnsLabPlan(lab, 'svc-haproxy-unlisted', { ...QUICK, publicUrl: haproxy.url, switch: sw });
      const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
      expect(result.outcome).toBe('FAILED');
      const planPhase = result.phases.find((p) => p.name === 'plan');
      expect(planPhase?.state).toBe('failed');
      expect(planPhase?.detail).toContain(`switch.socket: the worker's policy does not list HAProxy socket ${haproxy.socket}`);
      expect(await haproxy.command('get weight app/blue')).toBe('100 (initial 100)');
    },
  );
});

describe.skipIf(skipped('test/native-switches.test.ts (aws)', inject('motoMissing')))(
  'switch.type alb and route53 on moto',
  () => {
    let moto: MotoServer;
    beforeAll(async () => {
      // The AWS SDK's default credential chain reads these (moto accepts any).
      process.env['AWS_ACCESS_KEY_ID'] = 'testing';
      process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
      moto = await startMoto();
    });
    afterAll(async () => {
      await moto?.close();
    });

    const albRule = () => createWeightedAlbRule(moto, `bg${Date.now() % 1e6}`, 'datatruck.example.com');

    const awsSection = (key: string, body: string) => `${key}:\n  region: us-east-1\n  endpoint: "${moto.url}"\n${body}`;

    it(
      'alb: a deployment reweights the listener rule to green; the router follows moto; SUCCEEDED',
      { timeout: 90_000 },
      async ({ own, startWorker, client, taskQueue }) => {
        const { elb, ruleArn, targetGroups } = await albRule();
        const target = { ruleArn, targetGroups };
        const weights: WeightSource = { read: () => readAlbWeights(elb, target), pollIntervalMs: 100 };
        const lab = own(await startLab({ ...FAST_LAB, weights }));
        expect(lab.router.activeColor).toBe('blue');
        await startWorker(lab, {
          policy: policyWith(
            awsSection('alb', `  rules: ["${ruleArn}"]\n  targetGroups: ["${targetGroups.blue}", "${targetGroups.green}"]`),
          ),
        });
        const plan = dnsLabPlan(lab, 'svc-alb', {
          ...QUICK,
          switch: { type: 'alb', ruleArn, targetGroups, verifyTimeout: '10s' },
        });
        const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
        expect(result.error).toBeUndefined();
        expect(result.outcome).toBe('SUCCEEDED');
        expect(await readAlbWeights(elb, target)).toEqual({ blue: 0, green: 100 });
        expect(lab.router.activeColor).toBe('green');
        expect(result.phases.find((p) => p.name === 'switch')?.detail).toContain('public endpoint answers green');
      },
    );

    it(
      'alb: a plan naming a rule the policy does not list ends FAILED in plan, the rule untouched',
      { timeout: 60_000 },
      async ({ lab, startWorker, client, taskQueue }) => {
        const { elb, ruleArn, targetGroups } = await albRule();
        await startWorker(lab, {
          policy: policyWith(awsSection('alb', `  targetGroups: ["${targetGroups.blue}", "${targetGroups.green}"]`)),
        });
        const plan = dnsLabPlan(lab, 'svc-alb-unlisted', {
          ...QUICK,
          switch: { type: 'alb', ruleArn, targetGroups, verifyTimeout: '10s' },
        });
        const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
        expect(result.outcome).toBe('FAILED');
        const planPhase = result.phases.find((p) => p.name === 'plan');
        expect(planPhase?.state).toBe('failed');
        expect(planPhase?.detail).toContain(`switch.ruleArn: the worker's policy does not list ALB rule ${ruleArn}`);
        expect(await readAlbWeights(elb, { ruleArn, targetGroups })).toEqual({ blue: 100, green: 0 });
      },
    );

    const weightedRecords = () => createWeightedRecords(moto, `z${Date.now() % 1e6}.example.com`, 'app', 1);

    it(
      'route53: a deployment reweights the records to green, INSYNC; the router follows moto; SUCCEEDED',
      { timeout: 90_000 },
      async ({ own, startWorker, client, taskQueue }) => {
        const { r53, hostedZoneId, name } = await weightedRecords();
        const target = { hostedZoneId, name, type: 'CNAME' as const };
        const weights: WeightSource = { read: async () => (await readRoute53Weights(r53, target)).weights, pollIntervalMs: 100 };
        const lab = own(await startLab({ ...FAST_LAB, weights }));
        await startWorker(lab, {
          policy: policyWith(awsSection('route53', `  zones: [{ id: ${hostedZoneId}, names: ["${name}"] }]`)),
        });
        const sw = { type: 'route53', hostedZoneId, name, verifyTimeout: '10s' };
        const plan = dnsLabPlan(lab, 'svc-r53', { ...QUICK, switch: sw });
        const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
        expect(result.error).toBeUndefined();
        expect(result.outcome).toBe('SUCCEEDED');
        expect((await readRoute53Weights(r53, target)).weights).toEqual({ blue: 0, green: 100 });
        expect(lab.router.activeColor).toBe('green');
      },
    );

    it(
      'route53: a plan naming a zone the policy does not list ends FAILED in plan',
      { timeout: 60_000 },
      async ({ lab, startWorker, client, taskQueue }) => {
        const { r53, hostedZoneId, name } = await weightedRecords();
        await startWorker(lab, { policy: policyWith(awsSection('route53', `  zones: [{ id: ZOTHERZONE }]`)) });
        const plan = dnsLabPlan(lab, 'svc-r53-unlisted', { ...QUICK, switch: { type: 'route53', hostedZoneId, name } });
        const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
        expect(result.outcome).toBe('FAILED');
        expect(result.phases.find((p) => p.name === 'plan')?.detail).toContain(
          `switch.hostedZoneId: the worker's policy does not list hosted zone ${hostedZoneId}`,
        );
        expect((await readRoute53Weights(r53, { hostedZoneId, name })).weights).toEqual({ blue: 100, green: 0 });
      },
    );
  },
);
