// Secrets stay with the worker: a deployment run by a real `bluegreen worker` process with a
// distinctive GITHUB_TOKEN leaves no trace of it in the history (inputs, results, signals,
// activity inputs and outputs, failures: what the Web UI shows), in queries, or in the worker's
// own output. With BLUEGREEN_CODEC_KEY every payload in the history is ciphertext, the
// deployment still succeeds, and the codec server opens the payloads for the stock CLI/Web UI.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AesGcmPayloadCodec, codecFromEnv, ENCRYPTED_ENCODING } from '../codec/aes-gcm-codec.js';
import { startCodecServer, type CodecServer } from '../codec/server.js';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import * as messages from '../contract/messages.js';
import { labPlan, taskQueueFor, temporalAddress, waitForStatus, waitingForApproval } from './support/harness.js';
import { deepMerge, lostDispatchAnswer, QUICK, uniqueService } from './support/lab-deployments.js';
import { removeBundleFile, startWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { finalStatus } from './support/final-status.js';

const run = promisify(execFile);
const TOKEN = `ghp_TESTSECRET${randomBytes(15).toString('hex')}`;
const CODEC_KEY = randomBytes(32).toString('base64');
// The other secrets a worker holds: each distinctive, each in the secret store.
const ROUTER_TOKEN = `router-TESTSECRET-${randomBytes(12).toString('hex')}`;
const TSIG_SECRET = randomBytes(32).toString('base64');
const APP_KEY_LINE = randomBytes(36).toString('base64');
const APP_KEY = `-----BEGIN RSA PRIVATE KEY-----\n${APP_KEY_LINE}\n${randomBytes(36).toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
const CODEC_SERVER_TOKEN = randomBytes(24).toString('hex');

let lab: Lab;
let connection: Connection;
const workers: WorkerProcess[] = [];
const servers: CodecServer[] = [];
const QUEUES = { plain: taskQueueFor('secrets-plain'), codec: taskQueueFor('secrets-codec') };
let plainWorker: WorkerProcess;
let codecWorker: WorkerProcess;

beforeAll(async () => {
  lab = await startLab({ tokens: [TOKEN], runTiming: { queuedMs: 30, inProgressMs: 150 } });
  connection = await Connection.connect({ address: temporalAddress() });
  // Both worker processes start at once: each takes seconds to load.
  const started = await Promise.allSettled([
    startWorkerProcess(workerEnv(QUEUES.plain)),
    startWorkerProcess(workerEnv(QUEUES.codec, { BLUEGREEN_CODEC_KEY: CODEC_KEY })),
  ]);
  for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  [plainWorker, codecWorker] = workers as [WorkerProcess, WorkerProcess];
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(servers.map((s) => s.close()));
  await connection?.close();
  await lab?.close();
  await removeBundleFile();
});

const workerEnv = (taskQueue: string, extra: Record<string, string> = {}) => ({
  TEMPORAL_ADDRESS: temporalAddress(),
  TEMPORAL_NAMESPACE: 'default',
  BLUEGREEN_TASK_QUEUE: taskQueue,
  BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0',
  GITHUB_TOKEN: TOKEN,
  BLUEGREEN_ROUTER_TOKEN: ROUTER_TOKEN,
  BLUEGREEN_TSIG_SECRET: TSIG_SECRET,
  GITHUB_APP_PRIVATE_KEY: APP_KEY,
  ...extra,
});

/** `temporal workflow <command>` of the stock Temporal CLI for `workflowId`, as JSON (what the Web UI reads too). */
async function temporalJson(command: 'show' | 'describe', workflowId: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run(
    inject('temporalCli'),
    [
      'workflow',
      command,
      '--workflow-id',
      workflowId,
      '--address',
      temporalAddress(),
      '--namespace',
      'default',
      '--output',
      'json',
      ...extra,
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
  );
  return stdout;
}

/** The whole history as the stock Temporal CLI exports it. */
const temporalShow = (workflowId: string, extra: string[] = []) => temporalJson('show', workflowId, extra);
const temporalDescribe = (workflowId: string) => temporalJson('describe', workflowId);

/** Every `{metadata, data}` payload object in a JSON tree, with the path it was found at. */
function payloadsIn(node: unknown, path: string[] = [], found: Array<{ path: string; metadata: Record<string, string> }> = []) {
  if (Array.isArray(node)) node.forEach((item, i) => payloadsIn(item, [...path, String(i)], found));
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record['metadata'] && typeof record['metadata'] === 'object' && 'data' in record) {
      found.push({ path: path.join('.'), metadata: record['metadata'] as Record<string, string> });
    }
    for (const [key, value] of Object.entries(record)) payloadsIn(value, [...path, key], found);
  }
  return found;
}

/** Both the text and its base64 forms: a payload holds JSON base64-encoded. */
function mentions(haystack: string, needle: string): boolean {
  const b64 = (s: string) => Buffer.from(s).toString('base64').replace(/=+$/, '');
  // A string inside base64 shows at one of three alignments; check a middle slice of each.
  const forms = [needle, ...[0, 1, 2].map((shift) => b64(`${'x'.repeat(shift)}${needle}`).slice(4, -4))];
  return forms.some((form) => haystack.includes(form));
}

/** Paths of the strings in a JSON tree that mention `needle` (in clear or base64). */
function whereMentioned(node: unknown, needle: string, path: string[] = []): string[] {
  if (typeof node === 'string') return mentions(node, needle) ? [path.join('.')] : [];
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => whereMentioned(value, needle, [...path, key]));
  }
  return [];
}

async function deployAndApprove(client: Client, taskQueue: string, service: string) {
  // Faults on the way: the worker's retry and lost-answer paths log errors, which must not leak either.
  lab.github.injectFault({ method: 'GET', path: '/branches/', status: 500, times: 1 });
  lab.github.injectFault(lostDispatchAnswer('dns-update.yml'));
  lab.router.setActive('blue');
  const plan = labPlan(
    lab,
    service,
    deepMerge(QUICK, { approval: { required: true, approvers: ['alice'] }, sync: { enabled: true } }),
  );
  const handle = await startDeployment(client, plan, { taskQueue });
  await waitForStatus(handle, waitingForApproval, 60_000);
  await handle.signal(messages.approveSignal, { by: 'alice', comment: 'looks good' });
  const result = await finalStatus(handle);
  return { plan, handle, result };
}

describe('the GitHub token never leaves the worker', () => {
  it('is in no history event, query, description or worker log line of a whole deployment', async () => {
    const taskQueue = QUEUES.plain;
    const worker = plainWorker;
    const client = new Client({ connection, namespace: 'default' });
    const service = uniqueService('secrets-plain');
    const { handle, result } = await deployAndApprove(client, taskQueue, service);

    expect(result.outcome, result.error).toBe('SUCCEEDED');
    // The token was really used: the lab saw it on every call.
    expect(lab.github.requests.some((r) => r.authKind === 'token')).toBe(true);
    const history = await temporalShow(handle.workflowId);
    const description = await temporalDescribe(handle.workflowId);
    const status = JSON.stringify(await handle.query(messages.statusQuery));
    const log = worker.output();

    // The checks can fail: the same search finds what is there (the service name, in clear).
    expect(mentions(history, service)).toBe(true);
    expect(log).toMatch(/GitHub auth: token/);
    expect(log).toMatch(/500|other side closed|answer lost/i);
    for (const [where, text] of Object.entries({ history, description, status, log })) {
      expect(mentions(text, TOKEN), `token in ${where}`).toBe(false);
      expect(mentions(text, 'TESTSECRET'), `token prefix in ${where}`).toBe(false);
      for (const [name, secret] of Object.entries({ ROUTER_TOKEN, TSIG_SECRET, APP_KEY_LINE, CODEC_KEY })) {
        expect(mentions(text, secret), `${name} in ${where}`).toBe(false);
      }
    }
  });
});

describe('payload encryption (BLUEGREEN_CODEC_KEY)', () => {
  it('seals every payload in the history, the deployment succeeds, and the codec server opens them', async () => {
    const codec = codecFromEnv({ BLUEGREEN_CODEC_KEY: CODEC_KEY })!;
    const taskQueue = QUEUES.codec;
    const worker = codecWorker;
    const client = new Client({ connection, namespace: 'default', dataConverter: { payloadCodecs: [codec] } });
    const service = uniqueService('secrets-codec');
    const { plan, handle, result } = await deployAndApprove(client, taskQueue, service);

    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(worker.output()).toMatch(new RegExp(`payloads encrypted \\(key ${codec.keyId}\\)`));
    expect(mentions(worker.output(), CODEC_KEY)).toBe(false);
    const history = await temporalShow(handle.workflowId);
    const payloads = payloadsIn(JSON.parse(history));
    expect(payloads.length).toBeGreaterThan(20);
    const sealed = Buffer.from(ENCRYPTED_ENCODING).toString('base64');
    // Search attributes are indexed by the server, so they cannot be sealed; patch markers and a
    // local activity marker's `data` (sequence, activity type, attempt, times) are the SDK's own,
    // written by the core, not through the codec; the local activity's `result` is sealed. docs/security.md.
    const inClear = payloads.filter(
      (p) =>
        !/searchAttributes|markerRecordedEventAttributes\.details\.(patch-data|data)\b/.test(p.path) &&
        p.metadata['encoding'] !== sealed,
    );
    const localActivityResults = payloads.filter((p) => /markerRecordedEventAttributes\.details\.result\b/.test(p.path));
    expect(localActivityResults.length, 'a local activity result (readSwitchSchedule) in the history').toBeGreaterThan(0);
    expect(localActivityResults.every((p) => p.metadata['encoding'] === sealed)).toBe(true);
    expect(inClear, JSON.stringify(inClear.slice(0, 3))).toEqual([]);
    // The service name shows only in the workflow id (bluegreen-<service>, the contract) and
    // the search attributes (which the Web UI filters by); both are the server's to index.
    const withoutSearchAttributes = JSON.stringify(JSON.parse(history), (key, value: unknown) =>
      key === 'searchAttributes' || key === 'upsertWorkflowSearchAttributesEventAttributes' || key === 'workflowId'
        ? undefined
        : value,
    );
    expect(whereMentioned(JSON.parse(withoutSearchAttributes), service)).toEqual([]);
    // Neither the plan (URLs, repository, deployment id) nor the approval comment reads in clear.
    for (const secretish of [plan.deploymentId, plan.publicUrl, lab.githubUrl, 'looks good', 'deploy-green.yml']) {
      expect(mentions(history, secretish), secretish).toBe(false);
    }

    // The stock CLI, pointed at the codec server as the Web UI would be, shows them in clear.
    const server = await startCodecServer({ codec, port: 0, token: CODEC_SERVER_TOKEN });
    servers.push(server);
    const decoded = await temporalShow(handle.workflowId, [
      '--codec-endpoint',
      server.url,
      '--codec-auth',
      `Bearer ${CODEC_SERVER_TOKEN}`,
    ]);
    expect(mentions(decoded, plan.deploymentId)).toBe(true);
    expect(mentions(decoded, 'looks good')).toBe(true);
    expect(mentions(decoded, TOKEN)).toBe(false);

    // The bluegreen CLI with the same key reads the (sealed) status; without it, it cannot.
    const cli = (env: Record<string, string>) =>
      run(process.execPath, ['bin/bluegreen.js', 'status', service, '--json'], {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          TEMPORAL_ADDRESS: temporalAddress(),
          ...env,
        },
        timeout: 30_000,
      }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (err: { code?: number; stdout?: string; stderr?: string }) => ({
          code: err.code ?? -1,
          stdout: err.stdout ?? '',
          stderr: err.stderr ?? '',
        }),
      );
    const [withKey, withoutKey, viaServer, wrongToken] = await Promise.all([
      cli({ BLUEGREEN_CODEC_KEY: CODEC_KEY }),
      cli({}),
      cli({ BLUEGREEN_CODEC_ENDPOINT: server.url, BLUEGREEN_CODEC_SERVER_TOKEN: CODEC_SERVER_TOKEN }),
      cli({ BLUEGREEN_CODEC_ENDPOINT: server.url, BLUEGREEN_CODEC_SERVER_TOKEN: 'not-the-token-at-all' }),
    ]);
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(JSON.parse(withKey.stdout)).toMatchObject({ service, outcome: 'SUCCEEDED' });
    // Without the key, through the codec server and its token; a wrong token reads nothing.
    expect(viaServer.code, viaServer.stderr).toBe(0);
    expect(JSON.parse(viaServer.stdout)).toMatchObject({ service, outcome: 'SUCCEEDED' });
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toMatch(/refused the token/);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toMatch(/payloads are encrypted: set BLUEGREEN_CODEC_KEY/);
    expect(withoutKey.stdout).not.toContain('SUCCEEDED');
    expect(withoutKey.stderr).not.toMatch(/^\s+at /m);
  });

  it('the codec server answers the Web UI origin only, and refuses what it cannot open', async () => {
    const codec = new AesGcmPayloadCodec({ id: 'k1', key: randomBytes(32) });
    const server = await startCodecServer({
      codec,
      port: 0,
      token: CODEC_SERVER_TOKEN,
      allowEncode: true,
      corsOrigins: ['http://localhost:8233'],
    });
    servers.push(server);
    const preflight = (origin: string) =>
      fetch(`${server.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ui = await preflight('http://localhost:8233');
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    const elsewhere = await preflight('https://evil.example');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();

    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"a":1}').toString('base64'),
    };
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', authorization: `Bearer ${CODEC_SERVER_TOKEN}` },
        body: JSON.stringify(body),
      });
    const encoded = (await (await post('/encode', { payloads: [plain] })).json()) as { payloads: (typeof plain)[] };
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    const decoded = (await (await post('/decode', encoded)).json()) as { payloads: (typeof plain)[] };
    expect(decoded.payloads).toEqual([plain]);

    // Tampered ciphertext, another key's payload, and junk: refused, never echoed.
    const tampered = structuredClone(encoded);
    const bytes = Buffer.from(tampered.payloads[0]!.data, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    tampered.payloads[0]!.data = bytes.toString('base64');
    const refused = await post('/decode', tampered);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/does not open/);
    const other = await new AesGcmPayloadCodec({ id: 'k2', key: randomBytes(32) }).encode([
      { metadata: {}, data: new Uint8Array([1]) },
    ]);
    const otherJson = {
      payloads: other.map((p) => ({
        metadata: {
          encoding: Buffer.from(p.metadata!['encoding']!).toString('base64'),
          'encryption-key-id': Buffer.from(p.metadata!['encryption-key-id']!).toString('base64'),
        },
        data: Buffer.from(p.data!).toString('base64'),
      })),
    };
    expect(await (await post('/decode', otherJson)).text()).toMatch(/k2.{0,4}, which this process does not have/);
    expect((await post('/decode', { nope: 1 })).status).toBe(400);
  });

  it('refuses a malformed key in the environment with the variable named', () => {
    expect(() => codecFromEnv({ BLUEGREEN_CODEC_KEY: 'c2hvcnQ=' })).toThrow(
      /BLUEGREEN_CODEC_KEY must be 32 random bytes in base64/,
    );
    expect(() => codecFromEnv({ BLUEGREEN_CODEC_KEY: `${CODEC_KEY}!!` })).toThrow(/BLUEGREEN_CODEC_KEY/);
    expect(() => codecFromEnv({ BLUEGREEN_CODEC_KEY: CODEC_KEY, BLUEGREEN_CODEC_PREVIOUS_KEYS: 'nokey' })).toThrow(
      /PREVIOUS_KEYS entry 1/,
    );
    expect(codecFromEnv({})).toBeUndefined();
  });
});
