// Probe faults through whole deployments: a slow, refusing, garbled or wrong-colored endpoint
// is a counted failure whose reason a human can read in the status (the verify phase's detail,
// the monitor's lastFailure), never a crashed activity or workflow.
import { describe, expect, it } from 'vitest';
// closedPort: a loopback port nothing listens on (bound, then released): connecting to it is refused.
import { freeTcpPort as closedPort } from '../lab/daemons.js';
import type { AppFault, Lab } from '../lab/index.js';
import type { DeploymentStatus } from '../contract/types.js';
import { waitForStatus } from './support/harness.js';
import { sharedLabWorker, uniqueService } from './support/lab-deployments.js';
import { finalStatus } from './support/final-status.js';

/** Per-probe timeout of this file's worker (production: 5 s). */
const PROBE_TIMEOUT_MS = 400;

const shared = sharedLabWorker('faults-probes', { probes: { probeTimeoutMs: PROBE_TIMEOUT_MS } });
const { newLab } = shared;

const phase = (s: DeploymentStatus, name: string) => s.phases.find((p) => p.name === name);

/** Verify gets 1.5 s; the reason of its last failure must be in the phase detail and the error. */
async function expectVerifyFailure(lab: Lab, service: string, reason: RegExp, overrides: Record<string, unknown> = {}) {
  const { handle } = await shared.deploy(lab, uniqueService(service), {
    verify: { successes: 2, interval: '100ms', timeout: '1500ms' },
    ...overrides,
  });
  const result = await finalStatus(handle);
  expect(result.outcome).toBe('FAILED');
  expect(phase(result, 'verify')).toMatchObject({ state: 'failed', detail: expect.stringMatching(reason) });
  expect(result.error).toMatch(/^verify failed: green not healthy after \d+m?s: /);
  expect(result.error).toMatch(reason);
  expect(result.error).toMatch(/traffic untouched on blue/);
  expect(lab.router.activeColor).toBe('blue');
  expect(lab.github.dispatchCount('dns-update.yml')).toBe(0);
  return result;
}

describe('probe faults during verify: FAILED with the reason, traffic untouched', () => {
  // A fault of green's app, the deployment's service name and the reason verify must give.
  const faults: Array<[string, AppFault, string, RegExp]> = [
    [
      'a slow app: each probe times out after its own full timeout',
      { delayMs: 2_000 },
      'probe-slow',
      new RegExp(`timeout: no answer from http://127\\.0\\.0\\.1:\\d+/\\S+ within ${PROBE_TIMEOUT_MS}ms`),
    ],
    [
      'an app that drops every connection: connection closed/reset',
      { refuse: true },
      'probe-dropped',
      /connection (reset|closed by the server)|other side closed/,
    ],
    [
      'a color endpoint that answers HTML: non-JSON body',
      { colorBody: 'not-json' },
      'probe-html',
      /color: non-JSON body from http:\/\/\S+\/deployment\/color\/: "<html><body>It works!<\/body><\/html>"/,
    ],
    [
      'a color endpoint that names the other color: wrong color',
      { colorBody: 'wrong-color' },
      'probe-wrong-color',
      /wrong color: http:\/\/\S+\/deployment\/color\/ answers "blue", expected "green"/,
    ],
  ];
  for (const [title, fault, service, reason] of faults) {
    it.concurrent(title, async () => {
      const lab = await newLab();
      lab.apps.setFault('green', fault);
      await expectVerifyFailure(lab, service, reason);
    });
  }

  it.concurrent('nothing listening: connection refused', async () => {
    const lab = await newLab();
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expectVerifyFailure(
      lab,
      'probe-refused',
      /connection refused: http:\/\/127\.0\.0\.1:\d+\/(health|deployment\/color\/)/,
      {
        environments: { green: { url } },
      },
    );
  });

  // The last probe of the window once got only the time left before the verify deadline,
  // so an app answering 503 in 300 ms was reported as "timeout … within 2ms".
  it.concurrent("the last probe before the deadline gets its full timeout: the app's 503 is reported", async () => {
    const lab = await newLab();
    lab.apps.setHealthy('green', false);
    lab.apps.setFault('green', { delayMs: 300 });
    const result = await expectVerifyFailure(lab, 'probe-deadline', /health: HTTP 503 from http:\/\/\S+\/health/, {
      verify: { successes: 2, interval: '400ms', timeout: '1s' },
    });
    expect(result.error).not.toMatch(/timeout/);
  });
});

describe('probe faults under traffic (monitor): ROLLED_BACK with monitor.lastFailure', () => {
  const cases: Array<[string, AppFault | 'unhealthy', RegExp]> = [
    ['slow', { delayMs: 2_000 }, new RegExp(`timeout: no answer from \\S+ within ${PROBE_TIMEOUT_MS}ms`)],
    ['html', { colorBody: 'not-json' }, /color: non-JSON body from /],
    ['dropped', { refuse: true }, /health: HTTP 502 from \S+: .*bad gateway/],
  ];
  for (const [name, fault, reason] of cases) {
    it.concurrent(`${name}: three failures in a row roll back, the reason kept`, async () => {
      const lab = await newLab();
      const { handle } = await shared.deploy(lab, uniqueService(`monitor-${name}`), {
        monitor: { duration: '30s', interval: '100ms', failureThreshold: 3 },
      });
      await waitForStatus(handle, (s) => s.phase === 'monitor');
      if (fault === 'unhealthy') lab.apps.setHealthy('green', false);
      else lab.apps.setFault('green', fault);
      const result = await finalStatus(handle);

      expect(result.outcome).toBe('ROLLED_BACK');
      expect(result.monitor).toMatchObject({ failures: 3, consecutiveFailures: 3, lastFailure: expect.stringMatching(reason) });
      expect(phase(result, 'monitor')).toMatchObject({ state: 'failed', detail: expect.stringMatching(reason) });
      expect(result.error).toMatch(/^3 consecutive failures on http:\/\/127\.0\.0\.1:\d+: /);
      expect(lab.router.activeColor).toBe('blue');
    });
  }
});
