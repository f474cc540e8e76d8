// switch.type dns end to end: real Temporal dev server, real lab, real worker and a
// real authoritative DNS server (Knot DNS, started per test on a loopback port). The router
// follows the DNS record, so traffic moves only when the record does.
import { describe, expect } from 'vitest';
import { parseServerAddress, queryDns } from '../switches/dns/dns-client.js';
import { renderPhaseList } from '../client/render.js';
import { startDeployment } from '../client/start-deployment.js';
import type { DnsWorld } from '../lab/dns-world.js';
import * as messages from '../contract/messages.js';
import { dnsTest as it, dnsTestsSkipped, type DnsLabRun } from './support/dns.js';
import { waitForStatus, waitingForApproval } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const QUICK = {
  verify: { successes: 1, interval: '100ms', timeout: '10s' },
  approval: { required: false },
  monitor: { duration: '300ms', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};

let world: DnsWorld | undefined;

describe.skipIf(dnsTestsSkipped('test/dns-switch.test.ts'))('switch.type dns through Knot DNS', () => {
  /** Keeps the world in the module's `world` (the helpers below read it); `deploy` with the world's dns switch. */
  async function setUp(starting: Promise<DnsLabRun>) {
    const started = await starting;
    world = started.world;
    const deploy = async (service: string, overrides: Record<string, unknown> = {}) => {
      const switchConfig = started.world.config({ switchType: 'dns', verifyTimeout: '20s' });
      return (await started.deploy(service, { ...QUICK, ...switchConfig, ...overrides })).handle;
    };
    return { ...started, deploy };
  }

  async function recordAt(address: string): Promise<string> {
    const answer = await queryDns(parseServerAddress(address), world!.record, 'CNAME', { timeoutMs: 1_000 });
    return String((answer.answers[0] as { data?: unknown } | undefined)?.data ?? '');
  }

  async function serialAt(address: string): Promise<number> {
    const answer = await queryDns(parseServerAddress(address), world!.zone, 'SOA', { timeoutMs: 1_000 });
    return (answer.answers[0] as { data: { serial: number } }).data.serial;
  }

  it('switches blue → green → blue by RFC 2136 update, verified at the nameserver: SUCCEEDED twice', async ({ startDnsLab }) => {
    const { world, lab, deploy } = await setUp(startDnsLab());
    expect(await recordAt(world.primary.address)).toBe(world.targets.blue);
    expect(lab.router.activeColor).toBe('blue');

    const first = await finalStatus(await deploy('svc-dns-1'));
    expect(first.outcome).toBe('SUCCEEDED');
    expect(await recordAt(world.primary.address)).toBe(world.targets.green);
    expect(lab.router.activeColor).toBe('green');
    // The router moved because the record did, once.
    expect(lab.router.switches.map((s) => [s.color, s.source])).toEqual([['green', 'dns']]);
    const switched = first.phases.find((p) => p.name === 'switch');
    expect(switched?.state).toBe('succeeded');
    expect(switched?.detail).toContain('public endpoint answers green');
    expect(switched?.detail).toContain('1/1 nameservers answer CNAME green.bluegreen.test (TTL 60s)');
    expect(switched?.detail).toMatch(/caches may send some users to blue until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(60s\)/);
    expect(first.dns).toMatchObject({
      record: world.record,
      expected: 'CNAME green.bluegreen.test',
      ttl: 60,
      nameservers: [{ server: world.primary.address, ok: true, answer: 'CNAME green.bluegreen.test', ttl: 60, serial: 2 }],
    });
    expect(first.dns?.endpoint).toContain('answers green');
    expect(Date.parse(first.dns!.cachesMayLagUntil!) - Date.parse(first.dns!.confirmedAt!)).toBe(60_000);
    const shown = renderPhaseList(first);
    expect(shown).toContain('DNS www.bluegreen.test → CNAME green.bluegreen.test (TTL 60s):');
    expect(shown).toContain(`✓ ${world.primary.address}: CNAME green.bluegreen.test, serial 2`);
    expect(shown).toContain('resolvers may still hand out the old answer until');

    const second = await finalStatus(await deploy('svc-dns-2'));
    expect(second.outcome).toBe('SUCCEEDED');
    expect(second.targetColor).toBe('blue');
    expect(await recordAt(world.primary.address)).toBe(world.targets.blue);
    expect(lab.router.activeColor).toBe('blue');
    expect(second.dns?.nameservers[0]).toMatchObject({ ok: true, answer: 'CNAME blue.bluegreen.test', serial: 3 });
    // Two deployments, two updates: nothing written twice.
    expect(await serialAt(world.primary.address)).toBe(3);
  });

  it('fails at once with a clear message when the TSIG secret is wrong: FAILED, traffic untouched', async ({ startDnsLab }) => {
    const { world, lab, deploy } = await setUp(startDnsLab({ secret: Buffer.alloc(32, 7).toString('base64') }));
    const started = Date.now();
    const handle = await deploy('svc-dns-bad-key');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toContain('BADSIG');
    expect(result.error).toContain('TSIG key "bluegreen-update"');
    expect(result.error).toContain('BLUEGREEN_TSIG_SECRET');
    expect(result.error).toContain('traffic still on blue');
    expect(result.phases.find((p) => p.name === 'switch')?.state).toBe('failed');
    // Not retried: one attempt, and well inside the 30s update budget.
    expect(await activityAttempts(handle, 'switchViaDns')).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await recordAt(world.primary.address)).toBe(world.targets.blue);
    expect(lab.router.switches).toHaveLength(0);
  });

  it('retries while the DNS server is down, then ends FAILED before claiming any traffic moved', async ({ startDnsLab }) => {
    const { world, lab, deploy } = await setUp(startDnsLab());
    const handle = await deploy('svc-dns-down', {
      approval: { required: true, approvers: ['alice'] },
      ...world.config({ switchType: 'dns', updateTimeout: '5s' }),
    });
    await waitForStatus(handle, waitingForApproval);
    await world.primary.stop();
    await handle.signal(messages.approveSignal, { by: 'alice' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(
      /DNS update of www\.bluegreen\.test to green failed: still failing after retrying for 5s: .*connection refused/,
    );
    expect(result.error).toContain('traffic still on blue');
    const switched = result.phases.find((p) => p.name === 'switch');
    expect(switched?.state).toBe('failed');
    expect(switched?.detail).not.toContain('answers green');
    expect(result.dns).toBeUndefined();
    const attempts = await activityAttempts(handle, 'switchViaDns');
    expect(attempts.length).toBe(1);
    expect(attempts[0]).toBeGreaterThanOrEqual(2);
    expect(lab.router.activeColor).toBe('blue');
    await world.primary.start();
    expect(await recordAt(world.primary.address)).toBe(world.targets.blue);
  });

  it('waits for a lagging second nameserver before the switch counts as done', async ({ startDnsLab }) => {
    const { world, lab, deploy } = await setUp(startDnsLab({ secondary: true }));
    const secondary = world.secondary!;
    expect(await recordAt(secondary.address)).toBe(world.targets.blue);
    const handle = await deploy('svc-dns-lagging');
    // The primary has the new record (and the router follows it) …
    await until(async () => (await recordAt(world.primary.address)) === world.targets.green, 20_000);
    await until(async () => lab.router.activeColor === 'green', 5_000);
    await new Promise((r) => setTimeout(r, 1_500));
    // … but the secondary still serves the old zone: the switch is not done.
    expect(await recordAt(secondary.address)).toBe(world.targets.blue);
    const waiting = await handle.query(messages.statusQuery);
    expect(waiting.phase).toBe('switch');
    expect(waiting.phases.find((p) => p.name === 'switch')?.state).toBe('running');
    expect(waiting.phases.find((p) => p.name === 'switch')?.detail).toContain('waiting for 2 nameservers');
    expect(waiting.outcome).toBeUndefined();

    const refreshedAt = Date.now();
    await secondary.refresh();
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(await recordAt(secondary.address)).toBe(world.targets.green);
    const switched = result.phases.find((p) => p.name === 'switch');
    expect(Date.parse(switched!.endedAt!)).toBeGreaterThanOrEqual(refreshedAt - 1_000);
    expect(switched?.detail).toContain('2/2 nameservers answer CNAME green.bluegreen.test');
    expect(result.dns?.nameservers).toMatchObject([
      { server: world.primary.address, ok: true, serial: 2 },
      { server: secondary.address, ok: true, serial: 2 },
    ]);
  });
});

/** The attempt number of each completed or failed run of `activity` in the history. */
async function activityAttempts(handle: Awaited<ReturnType<typeof startDeployment>>, activity: string): Promise<number[]> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts: number[] = [];
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(event.eventId), s.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === activity) attempts.push(started.attempt ?? 0);
  }
  return attempts;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs}ms`);
}
