// The `workflow_run` webhook receiver (`bluegreen webhook`): GitHub tells it when a run
// completes, and it signals the deployment waiting on that run, which then reads the run at
// once instead of at its next poll. Polling stays the fallback: a lost webhook costs one poll
// interval, never a deployment.
//
// Checks, in order: POST, body size, X-Hub-Signature-256 (HMAC-SHA256 with the shared secret,
// compared in constant time) → 401; a delivery id already handled → ignored; then only
// `workflow_run` / `completed` events whose run name carries a deployment's correlation id
// (`<deploymentId>.<step>`) are acted on. The signal is only a wake-up call: the workflow asks
// GitHub how the run ended, so even a replayed or forged-but-signed event cannot decide anything.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { runCompletedSignal, workflowIdFor, WORKFLOW_TYPE, type RunCompletedInput } from '../workflows/messages.js';
import { findCorrelationId } from '../workflows/correlation-id.js';
import { RecentKeys, verifySignature } from './verify.js';

/** workflow_run payloads are a few tens of kB; GitHub caps payloads at 25 MB. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface WebhookReceiverOptions {
  /** The webhook's secret, as set in the repository's (or organization's) webhook settings. */
  secret: string;
  /** Temporal client of the namespace the deployments run in. */
  client: Client;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** How many delivery ids (and run completions) are remembered for replay checks. @default 10_000 */
  rememberDeliveries?: number;
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
  const completion: RunCompletion = {
    runId,
    runAttempt: typeof run['run_attempt'] === 'number' ? run['run_attempt'] : 1,
    title,
    ...(typeof run['conclusion'] === 'string' ? { conclusion: run['conclusion'] } : {}),
  };
  const found = findCorrelationId(title);
  return found ? { ...completion, ...found } : completion;
}

type Answer = { status: number; body: Record<string, unknown> };

export function createWebhookHandler(options: WebhookReceiverOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (!options.secret) throw new Error('the webhook secret must not be empty (GITHUB_WEBHOOK_SECRET)');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deliveries = new RecentKeys(options.rememberDeliveries ?? 10_000);
  const signalled = new RecentKeys(options.rememberDeliveries ?? 10_000);
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
        await options.client.workflow.getHandle(workflowId).signal(runCompletedSignal, input);
        done.push(workflowId);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    return done;
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

  async function handle(req: IncomingMessage, body: Buffer): Promise<Answer> {
    if (!verifySignature(options.secret, body, header(req, 'x-hub-signature-256'))) {
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
    if (!completion.correlationId)
      return done(delivery, 202, { ignored: `run ${completion.runId} (${completion.title}) is not a deployment's` });
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
    readBody(req, maxBodyBytes).then(
      async (body) =>
        send(
          res,
          body === undefined ? { status: 413, body: { error: `body over ${maxBodyBytes} bytes` } } : await handle(req, body),
        ),
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

/** The raw body, or undefined when it is larger than `max` (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
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
