// The lab's control API under `${githubUrl}/_lab/…`: the same controls as the in-process
// methods, as JSON over HTTP, for tests whose lab runs in another process (see README.md).
// Unauthenticated on purpose: it only listens on 127.0.0.1 and exists for tests and the demo.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GitHubSimulator } from './github/simulator.js';
import { RouteTable, type RouteResult } from './github/route-table.js';
import { isRecord, readJson, sendJson } from './http.js';
import type { LoadGenerator, LoadOptions } from './load.js';
import type { Router } from './router.js';
import type { SampleApps } from './sample-app.js';
import type { EnvironmentSettings } from './github/review-controls.js';
import type { AppFault, Color, FaultSpec, WorkflowBehavior, WorkflowDefinition } from './types.js';

export interface ControlTargets {
  github: GitHubSimulator;
  apps: SampleApps;
  router: Router;
  load: LoadGenerator;
  exampleConfig(service?: string): Record<string, unknown>;
  describe(): Record<string, unknown>;
}

class ControlError extends Error {}

const ok = (body: unknown = { ok: true }): RouteResult => ({ status: 200, body });

function colorParam(value: string | undefined): Color {
  if (value !== 'blue' && value !== 'green') throw new ControlError(`color must be blue or green, got ${value}`);
  return value;
}

function objectOf(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isRecord(body)) throw new ControlError('expected a JSON object body');
  return body;
}

export function controlRoutes(t: ControlTargets): RouteTable {
  const table = new RouteTable();
  const { github, apps, router } = t;
  table
    .add('GET', '/_lab/state', () =>
      ok({
        ...t.describe(),
        activeColor: router.activeColor,
        switches: router.switches,
        apps: { blue: apps.state('blue'), green: apps.state('green') },
        counters: github.counters,
        faults: github.pendingFaults(),
      }),
    )
    .add('GET', '/_lab/config', ({ query }) => ok(t.exampleConfig(query.get('service') ?? undefined)))
    .add('GET', '/_lab/requests', () => ok(github.requests))
    .add('GET', '/_lab/dispatches', () => ok(github.dispatches))
    .add('GET', '/_lab/counters', () => ok(github.counters))
    .add('GET', '/_lab/dispatch-count', ({ query }) => {
      const workflow = query.get('workflow');
      if (!workflow) throw new ControlError('workflow query parameter required');
      return ok({ count: github.dispatchCount(workflow, query.get('correlationId') ?? undefined) });
    })
    .add('GET', '/_lab/runs', ({ query }) => {
      const workflow = query.get('workflow');
      return ok(github.runs.filter((run) => workflow === null || run.workflow === workflow));
    })
    .add('GET', '/_lab/runs/:id', ({ params }) => {
      const run = github.run(Number(params['id']));
      return run ? ok(run) : { status: 404, body: { error: `no run ${params['id']}` } };
    })
    .add('GET', '/_lab/deployments', () => ok(github.deployments))
    .add('POST', '/_lab/log/clear', () => (github.clearLog(), ok()))
    .add('POST', '/_lab/apps/:color/health', ({ params, body }) => {
      const { healthy } = objectOf(body);
      if (typeof healthy !== 'boolean') throw new ControlError('body must be { "healthy": true|false }');
      apps.setHealthy(colorParam(params['color']), healthy);
      return ok();
    })
    .add('POST', '/_lab/apps/:color/fault', ({ params, body }) => {
      apps.setFault(colorParam(params['color']), objectOf(body) as AppFault);
      return ok();
    })
    .add('POST', '/_lab/router/active', ({ body }) => {
      router.setActive(colorParam(objectOf(body)['color'] as string | undefined), 'control-api');
      return ok();
    })
    .add('POST', '/_lab/workflows', ({ body }) => (github.addWorkflow(objectOf(body) as unknown as WorkflowDefinition), ok()))
    .add('POST', '/_lab/workflows/:file/behavior', ({ params, body }) => {
      github.setWorkflowBehavior(params['file']!, objectOf(body) as WorkflowBehavior);
      return ok();
    })
    .add('POST', '/_lab/workflows/:file/fail-next', ({ params, body }) => {
      github.failNextRun(params['file']!, objectOf(body));
      return ok();
    })
    .add('POST', '/_lab/faults', ({ body }) => ok({ id: github.injectFault(objectOf(body) as unknown as FaultSpec) }))
    .add('DELETE', '/_lab/faults', () => (github.clearFaults(), ok()))
    .add('POST', '/_lab/list-lag', ({ body }) => (github.setListLag(Number(objectOf(body)['ms'])), ok()))
    .add('POST', '/_lab/commits', ({ body }) => {
      const { branch, message } = objectOf(body);
      if (typeof branch !== 'string') throw new ControlError('body must be { "branch": "...", "message": "..." }');
      return ok({ sha: github.pushCommit(branch, typeof message === 'string' ? message : 'Lab commit') });
    })
    .add('POST', '/_lab/merge-conflict', ({ body }) => (github.setMergeConflict(objectOf(body)['conflict'] === true), ok()))
    .add('POST', '/_lab/rate-limit', ({ body }) => (github.setRateLimit(objectOf(body)), ok()))
    .add('POST', '/_lab/tokens/expire', () => (github.expireInstallationTokens(), ok()))
    .add('POST', '/_lab/webhook', ({ body }) => {
      const { url, secret } = objectOf(body);
      if (url === undefined || url === null) return (github.setWebhook(undefined), ok());
      if (typeof url !== 'string' || typeof secret !== 'string')
        throw new ControlError('body must be { "url": "http://127.0.0.1:…", "secret": "…" } (or { "url": null })');
      github.setWebhook({ url, secret });
      return ok();
    })
    .add('GET', '/_lab/webhook-deliveries', () => ok(github.webhookDeliveries))
    .add('GET', '/_lab/users', () => ok(github.reviews.users()))
    .add('POST', '/_lab/qa-gate', ({ body }) => {
      const { environment, ...settings } = objectOf(body) as { environment?: string } & EnvironmentSettings;
      return (github.reviews.addQaGate(environment, settings.reviewers ? settings : undefined), ok());
    })
    .add('POST', '/_lab/runs/:id/review', ({ params, body }) => {
      const { login, state, comment } = objectOf(body) as { login?: string; state?: string; comment?: string };
      if (typeof login !== 'string' || (state !== 'approved' && state !== 'rejected'))
        throw new ControlError('body must be { "login": "alice", "state": "approved" | "rejected", "comment"?: "…" }');
      return (github.reviews.review(Number(params['id']), login, state, comment ?? ''), ok());
    })
    .add('GET', '/_lab/load', () => ok(t.load.stats))
    .add('POST', '/_lab/load', ({ body }) => {
      const options = objectOf(body);
      // Targets by name ("public", "blue", "green") or as loopback URLs.
      const named: Record<string, () => string> = {
        public: () => router.url,
        blue: () => apps.url('blue'),
        green: () => apps.url('green'),
      };
      const targets = Array.isArray(options['targets']) ? options['targets'] : ['public'];
      const urls = targets.map((target) => (typeof target === 'string' && named[target] ? named[target]() : String(target)));
      return ok(t.load.start({ ...(options as Omit<LoadOptions, 'targets'>), targets: urls }));
    })
    .add('DELETE', '/_lab/load', () => ok(t.load.stop()));
  return table;
}

export function createControlHandler(t: ControlTargets) {
  const table = controlRoutes(t);
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const match = table.match(req.method ?? 'GET', url.pathname);
    if (!match || 'methodNotAllowed' in match) {
      sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
      return;
    }
    try {
      const body = await readJson(req);
      const result = await match.handler({
        params: match.params,
        query: url.searchParams,
        body,
        headers: req.headers,
        authKind: 'none',
      });
      sendJson(res, result.status, result.body);
    } catch (err) {
      // Bad control input (unknown workflow, job or step, bad fault) is the caller's mistake.
      sendJson(res, 400, { error: (err as Error).message });
    }
  };
}
