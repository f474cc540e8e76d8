// The egress rule: a plan started by hand on the task queue reaches only the URLs the worker's
// policy lists for its service, never a link-local or cloud-metadata address (even a listed
// one, by any name or spelling, checked on the address actually connected to), and sets no
// request header beyond a tenant id. Refused plans end FAILED in plan naming the field, before
// any request; the guarded fetch refuses at connect time what a name resolves to.
import type { IncomingMessage } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { describe, expect } from 'vitest';
import { createGuardedFetch, egressRefusal } from '../activities/guarded-fetch.js';
import { probeGet } from '../activities/http-probe.js';
import { jsonReader } from '../analysis/json/read.js';
import { measureMetric } from '../analysis/metric-measure.js';
import { startDeployment } from '../client/start-deployment.js';
import type { DeploymentPlan } from '../contract/types.js';
import { listen, type ListeningServer } from '../lab/http.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { checkPlanAgainstPolicy } from '../worker/policy-rules.js';
import { it } from './support/fixture.js';
import { labPlan } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

/** A loopback server standing for a metadata service: it counts connections and requests. */
async function recorder(): Promise<ListeningServer & { connections: number; requests: IncomingMessage['headers'][] }> {
  const state = { connections: 0, requests: [] as IncomingMessage['headers'][] };
  const server = await listen((req, res) => {
    state.requests.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ SecretAccessKey: 'wJalrXUtnFEMI-egress-test', value: 1 }));
  });
  server.server.on('connection', () => state.connections++);
  return Object.defineProperties(server, {
    connections: { get: () => state.connections },
    requests: { get: () => state.requests },
  }) as ListeningServer & typeof state;
}

/** A resolver as the network might answer: these names to these addresses, the rest to loopback. */
function resolverAnswering(answers: Record<string, string>) {
  return ((hostname: string, _options: unknown, callback: (err: Error | null, addresses: LookupAddress[]) => void) => {
    const address = answers[hostname] ?? '127.0.0.1';
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  }) as unknown as typeof import('node:dns').lookup;
}

describe('the guarded fetch', () => {
  it('refuses a name resolving to 169.254.169.254 without connecting; the same server by a harmless name answers', async () => {
    const metadata = await recorder();
    try {
      const port = new URL(metadata.url).port;
      // metadata.test stands for a name the attacker controls, resolving to the metadata address
      // (as DNS rebinding would, after a harmless answer at plan time); app.test to loopback.
      const fetch = createGuardedFetch({ lookup: resolverAnswering({ 'metadata.test': '169.254.169.254' }) });
      const reached = await fetch(`http://app.test:${port}/latest/meta-data/`);
      expect(reached.status).toBe(200);
      await reached.arrayBuffer();
      const before = metadata.connections;

      const refusals: string[] = [];
      for (const url of [
        `http://metadata.test:${port}/latest/meta-data/iam/security-credentials/role`,
        `http://[::ffff:169.254.169.254]:${port}/`,
        `http://[::ffff:a9fe:a9fe]:${port}/`,
        `http://2852039166:${port}/`, // decimal
        `http://0251.0376.0251.0376:${port}/`, // octal
        `http://0xa9fea9fe:${port}/`, // hex
        `http://169.254.170.2:${port}/v2/credentials`, // ECS task credentials
        `http://metadata.google.internal:${port}/computeMetadata/v1/`,
        `http://METADATA.google.internal.:${port}/`,
        `http://metadata:${port}/`,
        `http://[fd00:ec2::254]:${port}/`,
        `http://[fe80::1]:${port}/`,
        `http://100.100.100.200:${port}/`,
        `http://[64:ff9b::a9fe:a9fe]:${port}/`,
      ]) {
        const refused = await fetch(url).then(
          () => undefined,
          (err: unknown) => egressRefusal(err),
        );
        expect(refused, url).toMatch(/^refused by the worker: /);
        refusals.push(refused!);
      }
      expect(refusals[0]).toContain('metadata.test resolves to 169.254.169.254');
      expect(metadata.connections).toBe(before);

      // Through the metric reader and the probe: the refusal is the reason, nothing is read.
      const measured = await measureMetric(
        {
          name: 'leak',
          source: { type: 'json', url: `http://metadata.test:${port}/latest`, pointer: '/value' },
          window: '1m',
          unit: 'number',
          pass: { max: 5 },
          noData: 'fail',
        },
        { color: 'green', liveColor: 'blue', service: 'svc', sha: 'abc', timeMs: Date.now() },
        jsonReader({ fetch, attempts: 1 }),
      );
      expect(measured.verdict).toBe('inconclusive');
      expect(measured.reason).toContain('refused by the worker: metadata.test resolves to 169.254.169.254');
      const probe = await probeGet(`http://[::ffff:169.254.169.254]:${port}/health`, 1_000);
      expect(probe).toMatchObject({ ok: false, reason: expect.stringContaining('refused by the worker') });
      expect(metadata.connections).toBe(before);
      expect(metadata.requests).toHaveLength(1);
    } finally {
      await metadata.close();
    }
  });

  it('never follows a redirect', async () => {
    const target = await recorder();
    const redirecting = await listen((_req, res) => {
      res.writeHead(302, { location: `${target.url}/elsewhere` });
      res.end();
    });
    try {
      const answer = await createGuardedFetch()(`${redirecting.url}/`, { redirect: 'follow' });
      expect(answer.status).toBe(302);
      expect(target.connections).toBe(0);
    } finally {
      await redirecting.close();
      await target.close();
    }
  });
});

/** The lab's policy with `egress` listing only `urls` (a production-like list). */
const policyListing = (urls: string[]) =>
  parseWorkerPolicy(
    LAB_WORKER_POLICY_YAML.replace(
      /egress:\n.*\n/,
      `egress:\n  - { match: "svc-egress-*", urls: [${urls.map((u) => JSON.stringify(u)).join(', ')}] }\n`,
    ),
    'egress.test.ts',
  );

describe('plans started by hand on the task queue', () => {
  it(
    'an unlisted metric URL, a listed metadata name and a Metadata-Flavor header: FAILED in plan, naming the fields, no request',
    { timeout: 60_000 },
    async ({ lab, client, taskQueue, startWorker }) => {
      const internal = await recorder();
      try {
        // The lab's GitHub, router and apps listen on 127.0.0.1; the "internal" server is reached as localhost.
        const policy = policyListing(['http://127.0.0.1:*', 'http://metadata.google.internal']);
        await startWorker(lab, { policy });
        const base = labPlan(lab, 'svc-egress-a', { approval: { required: false } });
        const port = new URL(internal.url).port;
        const metric = (url: string, headers?: Record<string, string>) => ({
          name: 'leak',
          source: { type: 'json' as const, url, pointer: '/SecretAccessKey', ...(headers ? { headers } : {}) },
          window: '1m',
          unit: 'number' as const,
          pass: { max: 1 },
          noData: 'fail' as const,
        });
        const analysis = (metrics: ReturnType<typeof metric>[]): DeploymentPlan['analysis'] => ({
          verify: {
            metrics,
            count: 1,
            intervalMs: 100,
            initialDelayMs: 0,
            failureLimit: 0,
            onInconclusive: { action: 'fail' },
          },
        });
        const hostile: DeploymentPlan = {
          ...base,
          analysis: analysis([
            metric(`http://localhost:${port}/latest/meta-data/iam/security-credentials/role`),
            metric('http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token', {
              'Metadata-Flavor': 'Google',
              Metadata: 'true',
            }),
          ]),
        };
        const handle = await startDeployment(client, hostile, { taskQueue });
        const result = await finalStatus(handle);
        expect(result.outcome).toBe('FAILED');
        expect(result.phases.find((p) => p.name === 'plan')?.state).toBe('failed');
        const error = result.error ?? '';
        expect(error).toContain(
          `analysis.verify.metrics.0.source.url: the worker's policy does not let svc-egress-a fetch http://localhost:${port}/latest/meta-data/`,
        );
        expect(error).toContain(
          'analysis.verify.metrics.1.source.url: http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token is never fetched: metadata.google.internal is a cloud-metadata service',
        );
        expect(error).toContain('analysis.verify.metrics.1.source.headers: header "Metadata-Flavor" is not one a plan may set');
        expect(error).toContain('analysis.verify.metrics.1.source.headers: header "Metadata" is not one a plan may set');
        expect(internal.connections).toBe(0);
        // Nothing else happened either: no GitHub Deployment record, no dispatch, no switch.
        expect(lab.github.deployments.filter((d) => JSON.stringify(d).includes('svc-egress-a'))).toEqual([]);
        expect(lab.github.dispatches).toEqual([]);
      } finally {
        await internal.close();
      }
    },
  );

  it('URLs are judged as the worker composes them: colorPath, healthPath, a check, a metric with placeholders', async ({
    lab,
  }) => {
    const policy = policyListing(['http://127.0.0.1:*', 'http://blue.metrics.internal', 'http://green.metrics.internal']);
    const base = labPlan(lab, 'svc-egress-b', { approval: { required: false } });
    expect(checkPlanAgainstPolicy(base, policy)).toEqual([]);
    const problems = (change: Partial<DeploymentPlan>) => checkPlanAgainstPolicy({ ...base, ...change }, policy);
    // publicUrl + colorPath joined as text: "http://127.0.0.1:port@evil.example/color".
    expect(problems({ colorPath: '@evil.example/color' })).toEqual([
      'publicUrl + colorPath: evil.example: a URL with a user or password is not fetched',
    ]);
    // Older deployments join an absolute health path as the URL it is.
    expect(problems({ verify: { ...base.verify, healthPath: 'http://169.254.169.254/latest/meta-data' } })).toEqual([
      'verify.healthPath: http://169.254.169.254/latest/meta-data is never fetched: 169.254.169.254 is a link-local or cloud-metadata address',
    ]);
    expect(
      problems({ checks: { monitor: [{ provider: 'http-health', name: 'admin', url: 'http://[::ffff:a9fe:a9fe]/' }] } }),
    ).toEqual([
      'checks.monitor.0.url: http://[::ffff:a9fe:a9fe]/ is never fetched: ::ffff:a9fe:a9fe is a link-local or cloud-metadata address',
    ]);
    // A placeholder may pick among listed hosts ({{color}}), never make a host of its own ({{sha}}).
    const json = (url: string): Partial<DeploymentPlan> => ({
      analysis: {
        verify: {
          metrics: [
            {
              name: 'm',
              source: { type: 'json', url, pointer: '/v' },
              window: '1m',
              unit: 'number',
              pass: { max: 1 },
              noData: 'fail',
            },
          ],
          count: 1,
          intervalMs: 100,
          initialDelayMs: 0,
          failureLimit: 0,
          onInconclusive: { action: 'fail' },
        },
      },
    });
    expect(problems(json('http://127.0.0.1:9/{{color}}/{{sha}}'))).toEqual([]);
    expect(problems(json('http://{{color}}.metrics.internal/x'))).toEqual([]);
    expect(problems(json('http://{{sha}}.metrics.internal/x'))[0]).toMatch(
      /^analysis\.verify\.metrics\.0\.source\.url: the worker's policy does not let svc-egress-b fetch http:\/\/0{40}\.metrics\.internal\/x /,
    );
  });
});
