// The `workflow_run` webhook receiver (`bluegreen webhook`): GitHub tells it when a run
// completes, and it signals the deployment waiting on that run, which then reads the run at
// once instead of at its next poll. Polling stays the fallback: a lost webhook costs one poll
// interval, never a deployment.
//
// Checks, in order: at most `maxConnections` connections (more are closed at once); POST; body
// size (a declared or streamed body over the cap is refused and the connection closed before it
// is all read); X-Hub-Signature-256 (HMAC-SHA256 with the shared secret, computed while the body
// streams in, compared in constant time) → 401; a delivery id already handled (remembered in
// `stateFile` across restarts) → ignored; then only `workflow_run` / `completed` events of a
// served repository whose run name carries a deployment's correlation id (`<deploymentId>.<step>`)
// are acted on, and only for the running deployment of that id that is not waiting on another
// run. The signal is only a wake-up call: the workflow asks GitHub how the run ended, so even a
// replayed or forged-but-signed event cannot decide anything.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { runCompletedSignal, statusQuery, workflowIdFor, WORKFLOW_TYPE, type RunCompletedInput } from '../contract/messages.js';
import { findCorrelationId } from '../contract/correlation-id.js';
import { inertText } from '../contract/sanitize.js';
import { globMatches } from '../contract/patterns.js';
import { FileBackedKeys, type KeyMemory } from './replay-store.js';
import { RecentKeys, signatureMatches } from './verify.js';

/** workflow_run payloads are a few tens of kB (GitHub caps payloads at 25 MB, far above what this event needs). */
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** How long the receiver waits for a deployment's status before signalling it anyway. */
const STATUS_QUERY_TIMEOUT_MS = 3_000;

export interface WebhookLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface WebhookReceiverOptions {
  /** The webhook's secret, as set in the repository's (or organization's) webhook settings. */
  secret: string;
  /** Temporal client of the namespace the deployments run in. */
  client: Client;
  /** Largest body read; a larger one is refused (413) and its connection closed unread. @default 256 KiB */
  maxBodyBytes?: number;
  /** How many delivery ids (and run completions) are remembered for replay checks. @default 10_000 */
  rememberDeliveries?: number;
  /**
   * A file where handled delivery ids are kept, so a restart does not let old deliveries be
   * replayed. Without one they live in memory only (and the workflow's own check that a
   * wake-up is for the run it waits on is what stops a replay).
   * @default none
   */
  stateFile?: string;
  /**
   * Repositories (owner/repo, `*` and `?` globs) whose runs may wake deployments; events of
   * others are ignored without asking Temporal. `bluegreen webhook` takes them from the worker
   * policy (BLUEGREEN_WORKER_POLICY, github.repositories).
   * @default ['*\/*']
   */
  repositories?: string[];
  /** Most connections open at once (sockets beyond are closed at once). @default 64 */
  maxConnections?: number;
  /** @default console (stderr), one line per signal or refusal */
  log?: WebhookLog;
}

/** What the receiver takes from a `workflow_run` `completed` event. */
export interface RunCompletion {
  runId: number;
  runAttempt: number;
  conclusion?: string;
  title: string;
  /** `<deploymentId>.<step>`, when the run's name carries one. */
  correlationId?: string;
  /** The service, when the deployment id has the default shape `<service>-<stamp>-<hex>`. */
  service?: string;
  /** `owner/repo` of the event. */
  repository?: string;
  /** The workflow file of the run, e.g. `.github/workflows/deploy-green.yml`. */
  workflowPath?: string;
}

export function parseRunCompletion(payload: unknown): RunCompletion | undefined {
  const event = payload as { action?: unknown; workflow_run?: Record<string, unknown> } | null;
  if (!event || event.action !== 'completed' || typeof event.workflow_run !== 'object' || event.workflow_run === null)
    return undefined;
  const run = event.workflow_run;
  const runId = run['id'];
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId)) return undefined;
  const title =
    typeof run['display_title'] === 'string' ? run['display_title'] : typeof run['name'] === 'string' ? run['name'] : '';
  const repository = (payload as { repository?: { full_name?: unknown } }).repository?.full_name;
  const completion: RunCompletion = {
    runId,
    runAttempt: typeof run['run_attempt'] === 'number' ? run['run_attempt'] : 1,
    title,
    ...(typeof run['conclusion'] === 'string' ? { conclusion: run['conclusion'] } : {}),
    ...(typeof repository === 'string' ? { repository } : {}),
    ...(typeof run['path'] === 'string' ? { workflowPath: run['path'] } : {}),
  };
  const found = findCorrelationId(title);
  return found ? { ...completion, ...found } : completion;
}

type Answer = { status: number; body: Record<string, unknown> };

export function createWebhookHandler(options: WebhookReceiverOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (!options.secret) throw new Error('the webhook secret must not be empty (GITHUB_WEBHOOK_SECRET)');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const remember = options.rememberDeliveries ?? 10_000;
  const deliveries: KeyMemory = options.stateFile ? new FileBackedKeys(options.stateFile, remember) : new RecentKeys(remember);
  const signalled = new RecentKeys(remember);
  const repositories = options.repositories ?? ['*/*'];
  const log = options.log ?? { info: (m: string) => console.error(m), warn: (m: string) => console.error(m) };

  /** Signals the running deployment(s) of the run's service; how many were signalled. */
  async function signalDeployment(completion: RunCompletion): Promise<string[]> {
    const input: RunCompletedInput = {
      runId: completion.runId,
      ...(completion.conclusion ? { conclusion: completion.conclusion } : {}),
      ...(completion.correlationId ? { correlationId: completion.correlationId } : {}),
    };
    const services = completion.service ? [completion.service] : await runningServicesPrefixing(completion.correlationId!);
    const done: string[] = [];
    for (const service of services) {
      const workflowId = workflowIdFor(service);
      try {
        const handle = options.client.workflow.getHandle(workflowId);
        const why = await notWaitingFor(handle, completion);
        if (why) {
          log.info(`webhook: run ${completion.runId} not signalled to ${workflowId}: ${why}`);
          continue;
        }
        await handle.signal(runCompletedSignal, input);
        done.push(workflowId);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    return done;
  }

  /**
   * Why the deployment is not the one this run may wake (another deployment id, finished,
   * waiting on another run), or undefined. A status that does not come in time (no worker)
   * lets the signal through: the workflow checks the run id itself.
   */
  async function notWaitingFor(
    handle: ReturnType<Client['workflow']['getHandle']>,
    completion: RunCompletion,
  ): Promise<string | undefined> {
    const status = await Promise.race([
      handle.query(statusQuery).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) throw err;
        return undefined;
      }),
      sleep(STATUS_QUERY_TIMEOUT_MS, undefined, { ref: false }),
    ]);
    if (!status) return undefined;
    if (status.outcome) return `the deployment already ended (${status.outcome})`;
    const id = completion.correlationId!;
    const deploymentId = id.slice(0, id.lastIndexOf('.'));
    if (status.deploymentId !== deploymentId)
      return `it runs deployment ${status.deploymentId}, not ${inertText(deploymentId, 100)}`;
    const current = status.phases.find((p) => p.name === status.phase && p.state === 'running');
    const awaited = /\/runs\/(\d+)(?:$|[/?#])/.exec(current?.url ?? '')?.[1];
    if (awaited !== undefined && Number(awaited) !== completion.runId) return `it waits on run ${awaited}`;
    return undefined;
  }

  /** Deployment ids of another shape: the running deployments whose service starts the id. */
  async function runningServicesPrefixing(correlationId: string): Promise<string[]> {
    const services: string[] = [];
    const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
    for await (const execution of options.client.workflow.list({ query, pageSize: 1000 })) {
      const service = execution.workflowId.replace(/^bluegreen-/, '');
      if (correlationId.startsWith(`${service}-`) || correlationId.startsWith(`${service}.`)) services.push(service);
    }
    return services;
  }

  async function handle(req: IncomingMessage, { body, digest }: SignedBody): Promise<Answer> {
    if (!signatureMatches(digest, header(req, 'x-hub-signature-256'))) {
      log.warn(`webhook: refused a delivery with a missing or bad signature from ${req.socket.remoteAddress ?? '?'}`);
      return { status: 401, body: { error: 'bad or missing X-Hub-Signature-256' } };
    }
    const delivery = header(req, 'x-github-delivery');
    if (!delivery) return { status: 400, body: { error: 'missing X-GitHub-Delivery' } };
    if (deliveries.has(delivery)) return { status: 200, body: { ignored: `delivery ${delivery} already handled` } };
    const event = header(req, 'x-github-event');
    if (event === 'ping') return { status: 200, body: { ok: true, pong: true } };
    if (event !== 'workflow_run') return { status: 202, body: { ignored: `event ${event ?? '(none)'} is not workflow_run` } };
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const completion = parseRunCompletion(payload);
    if (!completion) return done(delivery, 202, { ignored: 'not a completed workflow run' });
    const repository = completion.repository ?? '';
    if (!repositories.some((pattern) => globMatches(pattern, repository, true)))
      return done(delivery, 202, { ignored: `repository ${inertText(repository, 100) || '(none)'} is not served here` });
    if (completion.workflowPath !== undefined && !/^\.github\/workflows\/[\w.-]+\.ya?ml$/.test(completion.workflowPath))
      return done(delivery, 202, { ignored: `run ${completion.runId} is not of a workflow file bluegreen dispatches` });
    if (!completion.correlationId)
      return done(delivery, 202, {
        ignored: `run ${completion.runId} (${inertText(completion.title, 200)}) is not a deployment's`,
      });
    const runKey = `${completion.runId}:${completion.runAttempt}`;
    if (signalled.has(runKey)) return done(delivery, 200, { ignored: `run ${completion.runId} already signalled` });

    // Remembered before the signal so a concurrent duplicate is ignored; forgotten if it fails,
    // so GitHub's "Redeliver" works after an outage.
    deliveries.add(delivery);
    signalled.add(runKey);
    try {
      const workflows = await signalDeployment(completion);
      if (workflows.length === 0)
        return { status: 202, body: { ignored: `no running deployment for ${completion.correlationId}` } };
      log.info(
        `webhook: run ${completion.runId} ${completion.conclusion ?? ''} → signalled ${workflows.join(', ')} (${completion.correlationId})`,
      );
      return { status: 200, body: { signalled: workflows, runId: completion.runId } };
    } catch (err) {
      deliveries.delete(delivery);
      signalled.delete(runKey);
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      log.warn(`webhook: could not signal the deployment of run ${completion.runId}: ${message}`);
      return { status: 503, body: { error: `could not reach Temporal: ${message}` } };
    }
  }

  function done(delivery: string, status: number, body: Record<string, unknown>): Answer {
    deliveries.add(delivery);
    return { status, body };
  }

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/healthz' || path === '/')) return send(res, { status: 200, body: { ok: true } });
    if (req.method !== 'POST') {
      req.resume();
      return send(res, { status: 405, body: { error: 'POST only' } }, { allow: 'POST' });
    }
    readSignedBody(req, maxBodyBytes, options.secret).then(
      async (body) => {
        if (body !== undefined) return send(res, await handle(req, body));
        // Refused unread: the connection goes, so the rest of the body is never taken in.
        res.on('finish', () => req.destroy());
        send(res, { status: 413, body: { error: `body over ${maxBodyBytes} bytes` } }, { connection: 'close' });
      },
      () => res.destroy(),
    );
  };
}

export interface WebhookServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the receiver on `host:port` (port 0 picks a free one). */
export async function startWebhookServer(
  options: WebhookReceiverOptions & { port?: number; host?: string },
): Promise<WebhookServer> {
  const server = createServer(createWebhookHandler(options));
  server.keepAliveTimeout = 5_000;
  // A slow sender cannot hold a connection open: headers within 5 s, the whole request within 10 s.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.maxConnections = options.maxConnections ?? 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface SignedBody {
  body: Buffer;
  /** HMAC-SHA256 of the body with the webhook secret, computed as it streamed in. */
  digest: Buffer;
}

/** The body and its HMAC, or undefined as soon as it is known to be larger than `max` (declared or read). */
function readSignedBody(req: IncomingMessage, max: number, secret: string): Promise<SignedBody | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return resolve(undefined);
    const hmac = createHmac('sha256', secret);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      hmac.update(chunk);
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ body: Buffer.concat(chunks), digest: hmac.digest() }));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
