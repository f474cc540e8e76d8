// DNS verification and the DNS activities against a real authoritative server (Knot
// DNS on a loopback port): RFC 2136 + TSIG updates, per-nameserver answers, a lagging
// secondary, NS discovery, the public endpoint reached at the resolved address; then the
// verification inside deployments that switch with the GitHub "DNS Update" workflow.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { parseServerAddress, queryDns } from '../switches/dns/dns-client.js';
import { parseTsig, signRequest, verifyResponse } from '../switches/dns/dns-tsig.js';
import { createDnsActivities } from '../switches/dns/activities.js';
import { parseConfigText, type ConfigError } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { startDnsWorld, type DnsWorld } from '../lab/dns-world.js';
import { startLab, type Lab } from '../lab/index.js';
import type { Color, DnsPlan } from '../contract/types.js';
import { activityEnv, rejectionOf } from './activities-helpers.js';
import { dnsTest as it, dnsTestsSkipped } from './support/dns.js';
import { waitForStatus } from './support/harness.js';
import { MINIMAL_CONFIG } from './support/configs.js';
import { finalStatus } from './support/final-status.js';

const skip = dnsTestsSkipped('test/dns.test.ts');

function planOf(world: DnsWorld, extra: Partial<DnsPlan> = {}): DnsPlan {
  return {
    zone: world.zone,
    record: world.record,
    targets: { blue: { cname: world.targets.blue }, green: { cname: world.targets.green } },
    nameservers: [world.primary.address, ...(world.secondary ? [world.secondary.address] : [])],
    ...extra,
  };
}

async function answerAt(address: string, name: string, type: 'CNAME' | 'A' | 'SOA'): Promise<string[]> {
  const answer = await queryDns(parseServerAddress(address), name, type, { timeoutMs: 1_000 });
  return answer.answers
    .filter((r) => r.type === type && r.name === name)
    .map((r) => {
      const data = (r as { data?: unknown }).data;
      return type === 'SOA' ? String((data as { serial: number }).serial) : String(data);
    });
}

describe.skipIf(skip)('DNS activities against Knot DNS', () => {
  let world: DnsWorld;
  let lab: Lab;
  const tsigFor = (world: DnsWorld) => ({ keyName: world.keyName, algorithm: 'hmac-sha256', secretEnv: world.secretEnv });

  beforeAll(async () => {
    world = await startDnsWorld({ secondary: true });
    // The router follows the primary's record: the public endpoint answers what it names.
    lab = await startLab({ dns: world.labDns() });
  });
  afterAll(async () => {
    await lab?.close();
    await world?.close();
  });

  const activities = (extra: Parameters<typeof createDnsActivities>[0] = {}) =>
    createDnsActivities({ env: world.env, queryTimeoutMs: 500, ...extra });

  async function switchTo(color: Color, dns = planOf(world)) {
    return activityEnv().run(activities().switchViaDns, { dns, color, server: world.primary.address, tsig: tsigFor(world) });
  }

  it('switches by one signed update and does nothing when the record already names the color', async () => {
    const serial = async () => Number((await answerAt(world.primary.address, world.zone, 'SOA'))[0]);
    const before = await serial();
    expect(await switchTo('blue')).toMatchObject({ changed: false, previous: 'CNAME blue.bluegreen.test', previousTtl: 60 });
    expect(await serial()).toBe(before);

    expect(await switchTo('green')).toEqual({
      server: world.primary.address,
      changed: true,
      previous: 'CNAME blue.bluegreen.test',
      previousTtl: 60,
      ttl: 60,
    });
    expect(await answerAt(world.primary.address, world.record, 'CNAME')).toEqual(['green.bluegreen.test']);
    expect(await serial()).toBe(before + 1);
    // A retried activity (its answer was lost) finds the record done and sends nothing.
    expect(await switchTo('green')).toMatchObject({ changed: false });
    expect(await serial()).toBe(before + 1);

    expect(await switchTo('blue')).toMatchObject({ changed: true, previous: 'CNAME green.bluegreen.test' });
    expect(await serial()).toBe(before + 2);
  });

  it('writes the configured TTL, and moves between a CNAME and A records in one update', async () => {
    const mixed = planOf(world, { ttl: 30, targets: { blue: { cname: world.targets.blue }, green: { a: ['127.0.0.1'] } } });
    expect(await switchTo('green', mixed)).toMatchObject({ changed: true, ttl: 30, previous: 'CNAME blue.bluegreen.test' });
    expect(await answerAt(world.primary.address, world.record, 'A')).toEqual(['127.0.0.1']);
    expect(await answerAt(world.primary.address, world.record, 'CNAME')).toEqual([]);
    expect(await switchTo('blue', { ...mixed, ttl: 60 })).toMatchObject({
      changed: true,
      previous: 'A 127.0.0.1',
      previousTtl: 30,
    });
    expect(await answerAt(world.primary.address, world.record, 'CNAME')).toEqual(['blue.bluegreen.test']);
    expect(await answerAt(world.primary.address, world.record, 'A')).toEqual([]);
  });

  it('refuses without retrying: wrong secret (BADSIG), unknown key (BADKEY), missing secret, a name the key may not change', async () => {
    const dns = planOf(world);
    const run = (env: NodeJS.ProcessEnv, tsig = tsigFor(world), plan = dns) =>
      rejectionOf(
        activityEnv().run(createDnsActivities({ env, queryTimeoutMs: 500 }).switchViaDns, {
          dns: plan,
          color: 'green',
          server: world.primary.address,
          tsig,
        }),
      );

    const badSig = await run({ [world.secretEnv]: Buffer.alloc(32, 1).toString('base64') });
    expect(badSig).toBeInstanceOf(ApplicationFailure);
    expect(badSig).toMatchObject({ type: 'DnsAuthError', nonRetryable: true });
    expect(badSig.message).toMatch(
      /rejected: BADSIG for TSIG key "bluegreen-update" \(hmac-sha256\)\. The server knows the key but the signature does not verify: BLUEGREEN_TSIG_SECRET/,
    );

    const badKey = await run(world.env, { ...tsigFor(world), keyName: 'nobody' });
    expect(badKey).toMatchObject({ type: 'DnsAuthError', nonRetryable: true });
    expect(badKey.message).toContain('BADKEY');

    const missing = await run({});
    expect(missing).toMatchObject({ type: 'DnsSecretMissing', nonRetryable: true });
    expect(missing.message).toContain("The worker's environment has no BLUEGREEN_TSIG_SECRET");

    const notBase64 = await run({ [world.secretEnv]: 'not base64!' });
    expect(notBase64).toMatchObject({ type: 'DnsConfigError', nonRetryable: true });

    // The key may change www only (update-owner): Knot refuses another name with BADKEY.
    const refused = await run(world.env, tsigFor(world), { ...dns, record: `api.${world.zone}` });
    expect(refused).toMatchObject({ type: 'DnsAuthError', nonRetryable: true });
    expect(refused.message).toContain('BADKEY');
    expect(refused.message).toContain('does not allow the key to change api.bluegreen.test');
    expect(await answerAt(world.primary.address, world.record, 'CNAME')).toEqual(['blue.bluegreen.test']);
  });

  it('a server that does not answer is retryable', async () => {
    const closed = { ...planOf(world), nameservers: ['127.0.0.1:9'] };
    const err = await rejectionOf(
      activityEnv().run(activities().switchViaDns, { dns: closed, color: 'green', server: '127.0.0.1:9', tsig: tsigFor(world) }),
    );
    expect(err).toMatchObject({ type: 'DnsUnavailable', nonRetryable: false });
    expect(err.message).toContain('127.0.0.1:9: connection refused');
  });

  it('verifies each nameserver: waits while the secondary lags, then checks the endpoint at the resolved address', async () => {
    const secondary = world.secondary!;
    await secondary.refresh();
    await switchTo('green');
    const input = {
      dns: planOf(world),
      color: 'green' as const,
      publicUrl: lab.publicUrl,
      colorPath: '/deployment/color/',
      intervalMs: 200,
    };

    const env = activityEnv({ heartbeatTimeoutMs: 3_000 });
    const lagging = await env.run(activities().verifyDns, { ...input, timeoutMs: 1_000 });
    expect(lagging.ok).toBe(false);
    expect(lagging.nameservers).toMatchObject([
      { server: world.primary.address, ok: true, answer: 'CNAME green.bluegreen.test', ttl: 60 },
      { server: secondary.address, ok: false, answer: 'CNAME blue.bluegreen.test', ttl: 60 },
    ]);
    expect(lagging.nameservers[1]!.serial).toBe(lagging.nameservers[0]!.serial! - 1);
    expect(lagging.lastProblem).toBe(
      `1 of 2 nameservers do not answer CNAME green.bluegreen.test yet: ${secondary.address} answers CNAME blue.bluegreen.test`,
    );
    expect(lagging.staleTtl).toBe(60);
    expect(env.heartbeats.length).toBeGreaterThan(0);

    await secondary.refresh();
    const done = await activityEnv().run(activities().verifyDns, { ...input, timeoutMs: 5_000 });
    expect(done).toMatchObject({ ok: true, ttl: 60, expected: 'CNAME green.bluegreen.test' });
    expect(done.nameservers.every((n) => n.ok)).toBe(true);
    expect(done.endpoint).toBe(`${lab.publicUrl}/deployment/color/ at 127.0.0.1 answers green`);
    expect(Date.parse(done.confirmedAt!)).toBeLessThanOrEqual(Date.now());

    // The endpoint must answer the color too: a record that is right but a router that is not fails.
    lab.apps.setFault('green', { colorBody: 'wrong-color' });
    const wrong = await activityEnv().run(activities().verifyDns, { ...input, timeoutMs: 600 });
    lab.apps.setFault('green', {});
    expect(wrong.ok).toBe(false);
    expect(wrong.lastProblem).toMatch(/at 127\.0\.0\.1 answers \w+, expected green/);

    await switchTo('blue');
    await secondary.refresh();
  });

  it('finds the nameservers by NS lookup when none are configured', async () => {
    const found = createDnsActivities({
      env: world.env,
      resolvers: [world.primary.address],
      nameserverPort: world.primary.port,
      queryTimeoutMs: 500,
    });
    const { nameservers: _configured, ...dns } = planOf(world);
    const result = await activityEnv().run(found.verifyDns, {
      dns,
      color: 'blue',
      publicUrl: lab.publicUrl,
      colorPath: '/deployment/color/',
      timeoutMs: 3_000,
      intervalMs: 200,
    });
    expect(result.ok).toBe(true);
    expect(result.nameservers.map((n) => [n.name, n.server, n.ok])).toEqual([
      ['ns1.bluegreen.test', world.primary.address, true],
      ['ns2.bluegreen.test', world.primary.address, true],
    ]);
  });

  it('TSIG: the request carries the key, time and a 32-byte HMAC-SHA256; a changed answer does not verify', () => {
    const key = { name: 'k.example', algorithm: 'hmac-sha256' as const, secret: Buffer.alloc(32, 3) };
    const message = Buffer.from('abcd0000000100000000000003777777076578616d706c650000010001', 'hex');
    const now = Date.UTC(2030, 0, 1);
    const signed = signRequest(message, key, now);
    expect(signed.message.readUInt16BE(10)).toBe(1);
    expect(parseTsig(signed.message)).toMatchObject({
      keyName: 'k.example',
      algorithm: 'hmac-sha256',
      timeSigned: now / 1000,
      fudge: 300,
      originalId: 0xabcd,
      error: 0,
    });
    expect(parseTsig(signed.message)!.mac).toHaveLength(32);
    // The request's own TSIG, checked as if it were an answer, fails: its MAC covers no request MAC.
    expect(verifyResponse(signed.message, key, Buffer.alloc(32), now)).toMatchObject({ ok: false, reason: 'bad-mac' });
    expect(verifyResponse(message, key, signed.mac, now)).toMatchObject({ ok: false, reason: 'unsigned' });
  });
});

describe.skipIf(skip)('DNS verification after a GitHub "DNS Update" switch', () => {
  const QUICK = {
    verify: { successes: 1, interval: '100ms', timeout: '10s' },
    approval: { required: false },
    sync: { enabled: false },
  };

  it('checks the record after the switch and after an automatic rollback: ROLLED_BACK', async ({ startDnsLab }) => {
    const { world, lab, deploy } = await startDnsLab({ updates: true });
    const { plan, handle } = await deploy('svc-dns-verify', {
      ...QUICK,
      ...world.config(),
      monitor: { duration: '30s', interval: '100ms', failureThreshold: 3 },
    });
    expect(plan.switch.type).toBe('workflow');
    const monitoring = await waitForStatus(handle, (s) => s.phase === 'monitor', 30_000);
    expect(monitoring.dns).toMatchObject({
      expected: 'CNAME green.bluegreen.test',
      nameservers: [{ ok: true, answer: 'CNAME green.bluegreen.test' }],
    });
    expect(monitoring.phases.find((p) => p.name === 'switch')?.detail).toContain(
      '1/1 nameservers answer CNAME green.bluegreen.test (TTL 60s)',
    );
    expect(await answerAt(world.primary.address, world.record, 'CNAME')).toEqual(['green.bluegreen.test']);

    lab.apps.setHealthy('green', false);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ROLLED_BACK');
    const rollback = result.phases.find((p) => p.name === 'rollback');
    expect(rollback?.state).toBe('succeeded');
    expect(rollback?.detail).toContain('1/1 nameservers answer CNAME blue.bluegreen.test');
    expect(rollback?.detail).toContain('caches may send some users to green until');
    expect(result.dns).toMatchObject({ expected: 'CNAME blue.bluegreen.test', nameservers: [{ ok: true }] });
    expect(await answerAt(world.primary.address, world.record, 'CNAME')).toEqual(['blue.bluegreen.test']);
    expect(lab.router.activeColor).toBe('blue');
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(2);
  });

  it('ends FAILED when the DNS Update run succeeds but the record never changes', async ({ startDnsLab }) => {
    // Without a key the lab's DNS Update workflow only nudges the router; the router follows
    // the record, which still says blue, so traffic goes back there.
    const { world, lab, deploy } = await startDnsLab({ updates: false });
    const { handle } = await deploy('svc-dns-unchanged', {
      ...QUICK,
      ...world.config(),
      switch: { type: 'workflow', workflow: 'dns-update.yml', ref: lab.branches.blue, verifyTimeout: '2s' },
    });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toContain(
      `DNS for www.bluegreen.test not confirmed 2s after switching to green: 1 of 1 nameservers do not answer CNAME green.bluegreen.test yet: ${world.primary.address} answers CNAME blue.bluegreen.test`,
    );
    expect(result.error).toContain('traffic still on blue');
    expect(result.phases.find((p) => p.name === 'switch')?.state).toBe('failed');
    expect(result.dns?.nameservers).toMatchObject([{ ok: false, answer: 'CNAME blue.bluegreen.test' }]);
    expect(lab.router.activeColor).toBe('blue');
  });
});

describe('dns configuration', () => {
  const base = { ...MINIMAL_CONFIG, service: 'svc', github: { owner: 'o', repo: 'r' } };
  const problems = (extra: Record<string, unknown>): string[] => {
    try {
      parseConfigText(stringify({ ...base, ...extra }), 'bluegreen.yaml');
      return [];
    } catch (err) {
      return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('resolves a dns section and a dns switch into the plan, names normalized, secret only by name', () => {
    const config = parseConfigText(
      stringify({
        ...base,
        dns: {
          zone: 'Example.COM.',
          record: 'api.example.com.',
          ttl: '5m',
          targets: { blue: { cname: 'Blue-LB.example.com' }, green: { a: '192.0.2.10', aaaa: ['2001:db8::10'] } },
          nameservers: ['192.0.2.53', '[2001:db8::53]:5353', 'ns2.example.com:53'],
        },
        switch: { type: 'dns', tsig: { keyName: 'bluegreen-update' } },
      }),
      'bluegreen.yaml',
    );
    const plan = resolvePlan(config, { requestedBy: 'test' });
    expect(plan.dns).toEqual({
      zone: 'example.com',
      record: 'api.example.com',
      ttl: 300,
      targets: { blue: { cname: 'blue-lb.example.com' }, green: { a: ['192.0.2.10'], aaaa: ['2001:db8::10'] } },
      nameservers: ['192.0.2.53', '[2001:db8::53]:5353', 'ns2.example.com:53'],
    });
    expect(plan.switch).toEqual({
      type: 'dns',
      tsig: { keyName: 'bluegreen-update', algorithm: 'hmac-sha256', secretEnv: 'BLUEGREEN_TSIG_SECRET' },
      updateTimeoutMs: 120_000,
      verifyTimeoutMs: 600_000,
    });
  });

  it('reports each problem with its path', () => {
    expect(problems({ switch: { type: 'dns', tsig: { keyName: 'k' } } })).toEqual([
      'dns: switch.type is "dns": add a dns section (zone, record, targets) naming the record to update',
    ]);
    expect(
      problems({
        dns: {
          zone: 'example.com',
          record: 'api.other.com',
          targets: { blue: { cname: 'x.example.com' }, green: { cname: 'x.example.com' } },
        },
      }),
    ).toEqual([
      'dns.record: "api.other.com" is not inside the zone "example.com"',
      'dns.targets.green: green and blue name the same target: each color needs its own',
    ]);
    expect(
      problems({
        dns: {
          zone: 'example.com',
          record: 'api.example.com',
          targets: { blue: { cname: 'b.example.com', a: '192.0.2.1' }, green: { a: '300.1.1.1' } },
          nameservers: ['127.0.0.1:99999'],
        },
        switch: { type: 'dns', tsig: { keyName: 'k', algorithm: 'hmac-md5', secretEnv: 'lower' } },
      }),
    ).toEqual([
      'dns.targets.blue: give either cname, or a and/or aaaa (a CNAME cannot share its name with other records)',
      'dns.targets.green.a.0: expected an IPv4 address like "192.0.2.10"',
      'dns.nameservers.0: expected a DNS server like "192.0.2.53", "ns1.example.com:53" or "[2001:db8::53]:53"',
      'switch.tsig.algorithm: expected one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1 (got the text "hmac-md5")',
      'switch.tsig.secretEnv: expected the name of an environment variable, like "BLUEGREEN_TSIG_SECRET" (got the text "lower")',
    ]);
  });
});
