// switchViaHttp against an app router's switch endpoint: a small authenticated HTTP endpoint
// on 127.0.0.1 in front of the lab's router (the app-based blue/green of seeds/000).
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwitchTypeActivities, mergeSwitchActivities } from '../switches/activities.js';
import { createSwitchActivities } from '../switches/http/activities.js';
import { startLab, type Lab } from '../lab/index.js';
import { activityEnv, rejectionOf } from './activities-helpers.js';

const TOKEN = 'router-secret-123';

describe('switchViaHttp', () => {
  let lab: Lab;
  let server: Server;
  let url: string;
  let nextStatus: number | undefined;
  const seen: Array<{ authorization?: string; body: string }> = [];

  beforeAll(async () => {
    lab = await startLab();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body });
        const status = nextStatus;
        nextStatus = undefined;
        if (status) return void res.writeHead(status).end('router busy');
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('bad token');
        const { color } = JSON.parse(body) as { color: 'blue' | 'green' };
        lab.router.setActive(color, 'http switch');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ color }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/switch`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await lab?.close();
  });

  const activities = (env: NodeJS.ProcessEnv) => createSwitchActivities({ env, requestTimeoutMs: 1_000 });

  it('posts the color with the bearer token from the worker environment; sending it twice is harmless', async () => {
    const { switchViaHttp } = activities({ ROUTER_TOKEN: TOKEN });
    await activityEnv().run(switchViaHttp, { url, tokenEnv: 'ROUTER_TOKEN', color: 'green' });
    expect(lab.router.activeColor).toBe('green');
    expect(seen.at(-1)).toEqual({ authorization: `Bearer ${TOKEN}`, body: '{"color":"green"}' });

    await activityEnv().run(switchViaHttp, { url, tokenEnv: 'ROUTER_TOKEN', color: 'green' });
    expect(lab.router.activeColor).toBe('green');
    expect(lab.router.switches.slice(-2).map((s) => s.changed)).toEqual([true, false]);
  });

  it('a missing token variable is non-retryable and names the variable; nothing is sent', async () => {
    const before = seen.length;
    const err = await rejectionOf(
      activityEnv().run(activities({}).switchViaHttp, { url, tokenEnv: 'ROUTER_TOKEN', color: 'blue' }),
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'SwitchTokenMissing', nonRetryable: true });
    expect(err.message).toContain('ROUTER_TOKEN');
    expect(seen.length).toBe(before);
  });

  it('a refused token is non-retryable and the token is not in the message', async () => {
    const err = await rejectionOf(
      activityEnv().run(activities({ ROUTER_TOKEN: 'wrong-token-456' }).switchViaHttp, {
        url,
        tokenEnv: 'ROUTER_TOKEN',
        color: 'blue',
      }),
    );
    expect(err).toMatchObject({ type: 'SwitchUnauthorized', nonRetryable: true });
    expect(err.message).toContain('HTTP 401');
    expect(err.message).not.toContain('wrong-token-456');
    expect(lab.router.activeColor).toBe('green');
  });

  it('a busy or unreachable router is retryable', async () => {
    nextStatus = 503;
    const busy = await rejectionOf(
      activityEnv().run(activities({ ROUTER_TOKEN: TOKEN }).switchViaHttp, { url, tokenEnv: 'ROUTER_TOKEN', color: 'blue' }),
    );
    expect(busy).toMatchObject({ type: 'SwitchUnavailable', nonRetryable: false });
    expect(busy.message).toContain('HTTP 503: router busy');

    const tcp = createTcpServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as { port: number }).port;
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    const down = await rejectionOf(
      activityEnv().run(activities({ ROUTER_TOKEN: TOKEN }).switchViaHttp, {
        url: `http://127.0.0.1:${port}/switch`,
        tokenEnv: 'ROUTER_TOKEN',
        color: 'blue',
      }),
    );
    expect(down).toMatchObject({ type: 'SwitchUnavailable', nonRetryable: false });
    expect(down.message).toContain('ECONNREFUSED');
  });
});

describe('the activities of every switch type (switches/activities.ts, from the manifests in switches/registry.ts)', () => {
  it('the worker gets the activities of every type', () => {
    expect(Object.keys(createSwitchTypeActivities()).sort()).toEqual([
      'switchViaAlb',
      'switchViaDns',
      'switchViaHaproxy',
      'switchViaHttp',
      'switchViaRoute53',
      'verifyDns',
    ]);
  });

  it('two types registering one activity name are refused, naming both', () => {
    const activity = async () => {};
    expect(() =>
      mergeSwitchActivities([
        ['http', { switchViaHttp: activity }],
        ['alb', { switchViaHttp: activity }],
      ]),
    ).toThrow('switch types "http" and "alb" both register an activity named switchViaHttp');
  });
});
