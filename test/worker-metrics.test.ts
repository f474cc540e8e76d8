// `bluegreen worker` with BLUEGREEN_METRICS_ADDRESS serves Prometheus metrics: the SDK's and
// bluegreen's own, emitted by the workflow. A worker process of its own, as the SDK's Runtime
// (and its metrics endpoint) is one per process.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { rollbackSignal } from '../contract/messages.js';
import { connectClient, taskQueueFor, temporalAddress } from './support/harness.js';
import { deployOnLab, uniqueService } from './support/lab-deployments.js';
import { removeBundleFile, startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const TOKEN = `ghp_METRICS${randomBytes(12).toString('hex')}`;
const taskQueue = taskQueueFor('worker-metrics');
let lab: Lab;
let client: Client;
let connection: Connection;
let worker: WorkerProcess;
let metricsUrl: string;

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  lab = await startLab({ tokens: [TOKEN], runTiming: { queuedMs: 30, inProgressMs: 150 } });
  ({ client, connection } = await connectClient());
  const address = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${address}/metrics`;
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: 'default',
    BLUEGREEN_TASK_QUEUE: taskQueue,
    BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0',
    BLUEGREEN_METRICS_ADDRESS: address,
    GITHUB_TOKEN: TOKEN,
  });
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  await connection?.close();
  await lab?.close();
  await removeBundleFile();
});

/** The exposition text once `wanted` all match it (bounded). */
async function scrapeUntil(wanted: RegExp[], timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    text = await response.text();
    if (wanted.every((re) => re.test(text))) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  return text;
}

describe('the worker metrics endpoint', () => {
  it('serves the SDK metrics and the deployment, refusal and phase metrics of a lab deployment', async () => {
    expect(worker.output()).toContain(`metrics on ${metricsUrl}`);
    const service = uniqueService('metrics');
    const { handle } = await deployOnLab(client, lab, taskQueue, service);
    // Traffic has not moved in plan: a rollback now is refused (and counted).
    await handle.signal(rollbackSignal, { by: 'alice', reason: 'too early' });
    const result = await handle.result();
    expect(result.outcome, result.error).toBe('SUCCEEDED');

    const deployed = new RegExp(`^bluegreen_deployments_total\\{[^}]*outcome="SUCCEEDED"[^}]*\\} 1$`, 'm');
    const wanted = [
      /^temporal_workflow_completed\{[^}]*\} [1-9]/m,
      deployed,
      /^bluegreen_decisions_refused_total\{[^}]*decision="rollback"[^}]*\} 1$/m,
      /^bluegreen_phase_duration_seconds_count\{[^}]*phase="switch"[^}]*\} 1$/m,
      // Buckets sized for phases that take minutes, not the SDK's sub-second defaults.
      /^bluegreen_phase_duration_seconds_bucket\{[^}]*phase="monitor"[^}]*le="3600"\} 1$/m,
    ];
    const text = await scrapeUntil(wanted);
    const ours = text
      .split('\n')
      .filter((line) => line.startsWith('bluegreen_') || line.startsWith('temporal_workflow_completed'));
    for (const re of wanted) expect(text, ours.join('\n')).toMatch(re);
    // The service tag is the plan's, so one deployment shows on its own series.
    expect(text).toMatch(new RegExp(`^bluegreen_deployments_total\\{[^}]*service="${service}"[^}]*\\} 1$`, 'm'));
    expect(text).not.toMatch(/^bluegreen_rollbacks_total\{/m);
  }, 120_000);
});
