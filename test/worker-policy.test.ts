// The worker policy (bluegreen-worker.yaml): validated with one clear problem per field, the
// example file parses, plans outside it are refused with a sentence naming the rule, the
// deployer's approval settings only tighten the policy's, and the secret store takes secrets
// out of the environment and out of any text. `bluegreen worker` with a broken policy stops
// before connecting anywhere and lists every problem.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../client/config.js';
import {
  checkPlanAgainstPolicy,
  DEFAULT_POLICY,
  effectiveApprovalPolicy,
  parseWorkerPolicy,
  secretVariables,
  takeSecrets,
  type WorkerPolicy,
} from '../worker/policy.js';
import { judge } from '../workflows/decisions.js';
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import { runCli, cliEnv, ROOT } from './support/cli-runner.js';

const policyOf = (text: string): WorkerPolicy => parseWorkerPolicy(text, 'bluegreen-worker.yaml');
function problemsOf(text: string, env?: NodeJS.ProcessEnv): string[] {
  try {
    parseWorkerPolicy(text, 'bluegreen-worker.yaml', env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the policy was accepted');
}

const plan = (over: Partial<DeploymentPlan> = {}): DeploymentPlan => ({
  service: 'datatruck-api',
  deploymentId: 'd-1',
  requestedBy: 'carol',
  github: { owner: 'datatruck', repo: 'backend' },
  publicUrl: 'https://api.example.com',
  colorPath: '/deployment/color/',
  environments: {
    green: { branch: 'green', url: 'https://green.example.com', deployWorkflow: 'deploy-green.yml' },
    blue: { branch: 'blue', url: 'https://blue.example.com', deployWorkflow: 'deploy-blue.yml' },
  },
  deploy: { runTimeoutMs: 60_000, pollIntervalMs: 1000 },
  switch: { type: 'workflow', workflow: 'dns-update.yml', ref: 'main', verifyTimeoutMs: 1000 },
  verify: { healthPath: '/health', successes: 1, intervalMs: 1000, timeoutMs: 1000 },
  approval: { required: true, approvers: ['alice'], timeoutMs: 1000 },
  monitor: { durationMs: 0, intervalMs: 1000, failureThreshold: 1 },
  sync: { enabled: false, redeploy: false },
  rollback: { automatic: true },
  hooks: { preSwitch: [], postSync: [] },
  ...over,
});

describe('the policy file', () => {
  it('the example parses and says what it shows', () => {
    const policy = policyOf(readFileSync(join(ROOT, 'examples/bluegreen-worker.yaml'), 'utf8'));
    expect(policy.github.apiRoots).toEqual(['https://api.github.com']);
    expect(policy.routers[0]).toEqual({ url: 'https://router.internal.example.com/switch', tokenEnv: 'BLUEGREEN_ROUTER_TOKEN' });
    expect(policy.services[0]!.approval.allowSelfApproval).toBe(false);
    expect(secretVariables(policy)).toEqual(
      expect.arrayContaining(['GITHUB_TOKEN', 'BLUEGREEN_ROUTER_TOKEN', 'BLUEGREEN_TSIG_SECRET']),
    );
  });

  it('an empty file and no file mean the defaults: api.github.com only, no router, no DNS zone', () => {
    expect(policyOf('')).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.github.apiRoots).toEqual(['https://api.github.com']);
    expect(DEFAULT_POLICY.routers).toEqual([]);
    expect(DEFAULT_POLICY.dns.zones).toEqual([]);
    expect(DEFAULT_POLICY.defaults.approval).toMatchObject({ required: true, allowSelfApproval: false, minApprovals: 1 });
  });

  it('every problem at once, with its field path and what was expected', () => {
    const problems = problemsOf(
      [
        'github: { apiRoots: ["ftp://x"], repositories: ["no-slash"] }',
        'routers: [{ url: "https://r.example/switch", tokenEnv: "lower" }, { url: https://r.example/switch, tokenEnv: A }]',
        'services: [{ match: "Bad Name", approval: { approvers: ["not a login"], minApprovals: 0, via: [email] } }]',
        'typo: 1',
      ].join('\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^github\.apiRoots\.0: expected an http\(s\) URL/),
        expect.stringMatching(/^github\.repositories\.0: expected a repository pattern owner\/repo/),
        expect.stringMatching(/^routers\.0\.tokenEnv: expected the name of an environment variable/),
        expect.stringMatching(/^services\.0\.match: expected a service name or pattern/),
        expect.stringMatching(/^services\.0\.approval\.approvers\.0: expected a GitHub login/),
        expect.stringMatching(/^services\.0\.approval\.minApprovals: /),
        expect.stringMatching(/^services\.0\.approval\.via\.0: expected "signal" or "github"/),
        expect.stringMatching(/^typo: unknown key/),
      ]),
    );
    expect(problemsOf('routers: [{ url: "https://r/s", tokenEnv: A }, { url: "https://R/s/", tokenEnv: B }]')).toEqual([
      'routers.1.url: router https://r/s is listed twice',
    ]);
    expect(problemsOf('- a list')).toEqual([': expected a YAML mapping with github, routers, dns, services']);
  });

  it('a secret variable the policy names but the worker lacks is a start-up problem, named by field', () => {
    expect(problemsOf('routers: [{ url: "https://r/s", tokenEnv: ROUTER_A }]', {})).toEqual([
      "routers.0.tokenEnv: names ROUTER_A, which is not set in the worker's environment",
    ]);
  });
});

describe('checkPlanAgainstPolicy', () => {
  const policy = policyOf(`
github: { apiRoots: [https://ghes.example.com/api/v3/], repositories: [datatruck/*] }
routers: [{ url: "https://router.example/switch", tokenEnv: ROUTER_TOKEN }]
dns: { servers: ["192.0.2.53:53"], zones: [example.com], keys: [{ name: bluegreen-update, secretEnv: TSIG_SECRET }] }
services: [{ match: datatruck-*, approval: { approvers: [alice, bob] } }]
`);
  const ghes = { owner: 'datatruck', repo: 'backend', baseUrl: 'https://GHES.example.com/api/v3' };

  it('a plan inside the policy breaks no rule', () => {
    expect(checkPlanAgainstPolicy(plan({ github: ghes }), policy)).toEqual([]);
    const http = {
      type: 'http' as const,
      url: 'https://router.example/switch/',
      tokenEnv: 'BLUEGREEN_ROUTER_TOKEN',
      verifyTimeoutMs: 1,
    };
    expect(checkPlanAgainstPolicy(plan({ github: ghes, switch: http }), policy)).toEqual([]);
  });

  it('a hostile plan: every rule it breaks, each a sentence naming the policy field', () => {
    const hostile = plan({
      github: { owner: 'evil', repo: 'x', baseUrl: 'http://127.0.0.1:9/api' },
      switch: { type: 'http', url: 'http://127.0.0.1:9/steal', tokenEnv: 'GITHUB_TOKEN', verifyTimeoutMs: 1 },
      approval: { required: false, approvers: ['mallory'], timeoutMs: 1 },
    });
    expect(checkPlanAgainstPolicy(hostile, policy)).toEqual([
      "the worker's policy does not send GitHub credentials to http://127.0.0.1:9/api (github.apiRoots: https://ghes.example.com/api/v3)",
      "the worker's policy does not serve the repository evil/x (github.repositories: datatruck/*)",
      "switch.url: the worker's policy lists no router http://127.0.0.1:9/steal for the http switch (routers: https://router.example/switch)",
      expect.stringMatching(
        /^switch: the worker's policy does not let datatruck-api fetch http:\/\/127\.0\.0\.1:9\/steal \(no egress section/,
      ),
      'the plan names approver "mallory", who is not among the approvers the worker\'s policy allows (services[0].approval.approvers: alice, bob)',
    ]);
    const tokenEnv = plan({
      github: ghes,
      switch: { type: 'http', url: 'https://router.example/switch', tokenEnv: 'GITHUB_TOKEN', verifyTimeoutMs: 1 },
    });
    expect(checkPlanAgainstPolicy(tokenEnv, policy)).toEqual([
      expect.stringMatching(
        /^switch\.tokenEnv: the plan asks for the router token in GITHUB_TOKEN, .*plans do not choose credentials$/,
      ),
    ]);
  });

  it('the default policy: api.github.com only, no router, no DNS update, approval needs a named approver', () => {
    expect(checkPlanAgainstPolicy(plan(), DEFAULT_POLICY)).toEqual([]);
    expect(checkPlanAgainstPolicy(plan({ github: ghes }), DEFAULT_POLICY)[0]).toMatch(
      /github\.apiRoots: https:\/\/api\.github\.com/,
    );
    const dns = plan({
      switch: {
        type: 'dns',
        tsig: { keyName: 'k', algorithm: 'hmac-sha256', secretEnv: 'GITHUB_TOKEN' },
        updateTimeoutMs: 1,
        verifyTimeoutMs: 1,
      },
      dns: {
        zone: 'example.com',
        record: 'api.example.com',
        targets: { blue: { cname: 'b.example' }, green: { cname: 'g.example' } },
      },
    });
    expect(checkPlanAgainstPolicy(dns, DEFAULT_POLICY)).toEqual([
      "dns.zone: the worker's policy does not allow DNS updates of zone example.com (dns.zones: none)",
      "switch.tsig.keyName: the worker's policy has no TSIG key k (dns.keys: none)",
    ]);
    expect(checkPlanAgainstPolicy(plan({ approval: { required: false, approvers: [], timeoutMs: 1 } }), DEFAULT_POLICY)).toEqual([
      "the worker's policy requires approval (defaults.approval.required) but nobody may approve: list approvers in the plan's approval.approvers or in defaults.approval.approvers",
    ]);
  });
});

describe('effectiveApprovalPolicy: the plan only tightens', () => {
  const service = policyOf(
    'services: [{ match: "*", approval: { required: false, approvers: [alice, bob, acme/sre], minApprovals: 2 } }]',
  ).services[0]!.approval;

  it('required stays required, fewer approvers are fine, more approvals are fine, self-approval stays forbidden', () => {
    const { approval, problems } = effectiveApprovalPolicy(
      { required: true, approvers: ['Alice', 'bob'], timeoutMs: 5, minApprovals: 2, allowSelfApproval: false },
      service,
    );
    expect(problems).toEqual([]);
    expect(approval).toEqual({
      required: true,
      approvers: ['Alice', 'bob'],
      minApprovals: 2,
      allowSelfApproval: false,
      promoters: ['Alice', 'bob'],
      operators: [],
      via: ['signal', 'github'],
      timeoutMs: 5,
    });
    // Left out, the policy's numbers apply.
    expect(effectiveApprovalPolicy({ required: true, approvers: ['alice', 'bob'], timeoutMs: 5 }, service)).toMatchObject({
      approval: { minApprovals: 2, allowSelfApproval: false },
      problems: [],
    });
  });

  it('a plan asking for fewer approvals, or for self-approval the policy forbids, is refused naming the field', () => {
    const weaker = effectiveApprovalPolicy(
      { required: true, approvers: ['alice', 'bob'], timeoutMs: 5, minApprovals: 1, allowSelfApproval: true },
      service,
      'services[0].approval',
    );
    expect(weaker.problems).toEqual([
      "the plan asks for approval.minApprovals: 1, fewer than the worker's policy requires (services[0].approval.minApprovals: 2)",
      "the plan asks for approval.allowSelfApproval: true, which the worker's policy forbids (services[0].approval.allowSelfApproval: false)",
    ]);
    expect(weaker.approval).toMatchObject({ minApprovals: 2, allowSelfApproval: false });
  });

  it('under a github-only policy a plan without a gate is refused: its approvals would be typed names', () => {
    const githubOnly = policyOf('defaults: { approval: { required: true, approvers: [alice, bob], via: [github] } }').defaults
      .approval;
    const noGate = effectiveApprovalPolicy({ required: true, approvers: [], timeoutMs: 5, via: ['github'] }, githubOnly);
    expect(noGate.problems).toEqual([
      "the plan asks for approval via github but names no gate (approval.gate: workflow, ref, environment); without one, approvals would be signals, which the worker's policy does not take (defaults.approval.via: github)",
    ]);
    // A plan of an older client says nothing of channels: the same.
    expect(effectiveApprovalPolicy({ required: true, approvers: [], timeoutMs: 5 }, githubOnly).problems).toHaveLength(1);
    const gate = { workflow: 'qa-gate.yml', ref: 'main', environment: 'qa' };
    expect(
      effectiveApprovalPolicy({ required: true, approvers: [], timeoutMs: 5, via: ['github'], gate }, githubOnly).problems,
    ).toEqual([]);
  });

  it('an empty plan list means the policy approvers; an approver outside the policy is refused', () => {
    expect(effectiveApprovalPolicy({ required: false, approvers: [], timeoutMs: 5 }, service).approval.approvers).toEqual([
      'alice',
      'bob',
      'acme/sre',
    ]);
    const strict = policyOf('defaults: { approval: { required: true, approvers: [alice] } }').defaults.approval;
    const loosened = effectiveApprovalPolicy({ required: false, approvers: ['mallory'], timeoutMs: 5 }, strict);
    expect(loosened.approval.required).toBe(true);
    expect(loosened.approval.approvers).toEqual(['alice']);
    expect(loosened.problems).toEqual([expect.stringContaining('approver "mallory"')]);
  });

  it('on the signal path a team vouches for nobody: too few logins for the approvals needed is refused at plan', () => {
    const teamsOnly = policyOf('defaults: { approval: { required: true, approvers: [acme/qa] } }').defaults.approval;
    const signal = effectiveApprovalPolicy({ required: true, approvers: [], timeoutMs: 5, via: ['signal'] }, teamsOnly);
    expect(signal.problems).toEqual([
      'approval goes through signals, where a team cannot be verified, and 1 approval is needed but no approver is a GitHub login (acme/qa): use approval.via: github with a gate, or list logins in defaults.approval.approvers',
    ]);
    // Through GitHub the team is checked against GitHub's membership: allowed.
    const gate = { workflow: 'qa-gate.yml', ref: 'main', environment: 'qa' };
    expect(
      effectiveApprovalPolicy({ required: true, approvers: [], timeoutMs: 5, via: ['github'], gate }, teamsOnly).problems,
    ).toEqual([]);
    // Logins enough for the approvals needed: allowed beside a team.
    const mixed = policyOf('defaults: { approval: { required: true, approvers: [alice, acme/qa] } }').defaults.approval;
    expect(effectiveApprovalPolicy({ required: true, approvers: [], timeoutMs: 5, via: ['signal'] }, mixed).problems).toEqual([]);
  });
});

describe('the secret store', () => {
  it('reads once, leaves the environment, and never prints a value', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQDx\n-----END PRIVATE KEY-----\n';
    const env: NodeJS.ProcessEnv = { GITHUB_APP_PRIVATE_KEY: pem, ROUTER_TOKEN: 'router-secret-123', KEEP: 'x' };
    const secrets = takeSecrets(['GITHUB_APP_PRIVATE_KEY', 'ROUTER_TOKEN', 'ABSENT'], env);
    expect(env).toEqual({ KEEP: 'x' });
    expect(secrets.get('ROUTER_TOKEN')).toBe('router-secret-123');
    expect(() => secrets.get('ABSENT')).toThrow(/no secret ABSENT/);
    const shown = [JSON.stringify(secrets), inspect(secrets), String(Object.values(secrets))].join(' ');
    expect(shown).not.toContain('router-secret-123');
    expect(shown).not.toContain('MIIEvQ');
    const text = secrets.redact(`failed: Bearer router-secret-123; header line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC invalid`);
    expect(text).toBe('failed: Bearer [secret ROUTER_TOKEN]; header line [secret GITHUB_APP_PRIVATE_KEY] invalid');
  });
});

describe('bluegreen worker with a broken policy', () => {
  it('stops before connecting anywhere and lists every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-policy-'));
    const path = join(dir, 'bluegreen-worker.yaml');
    writeFileSync(path, 'github: { apiRoots: [] }\nrouters: [{ url: "https://r/s", tokenEnv: ROUTER_MISSING }]\n');
    const result = await runCli(['worker'], {
      env: cliEnv({ BLUEGREEN_WORKER_POLICY: path, GITHUB_TOKEN: 'ghp_x', TEMPORAL_ADDRESS: '127.0.0.1:1' }),
      timeoutMs: 30_000,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${path} is not a valid config (1 problem; nothing was started)`);
    expect(result.stderr).toContain('github.apiRoots: list at least one API root');
  });
});

describe('promote needs a promoter the policy allows', () => {
  const base = {
    approvalOpen: false,
    approvalDecided: true,
    rollbackRequested: false,
    abortRequested: false,
    promoted: false,
  };
  const status = (promoters?: string[]) =>
    ({
      phase: 'monitor',
      approvers: [],
      approvals: [],
      phases: [],
      ...(promoters ? { promoters } : {}),
    }) as unknown as DeploymentStatus;

  it('refuses anyone not among the promoters, and everyone when there are none', () => {
    expect(judge({ by: 'alice' }, 'promote', { ...base, status: status(['alice']) }).ok).toBe(true);
    const stranger = judge({ by: 'mallory' }, 'promote', { ...base, status: status(['alice']) });
    expect(stranger).toMatchObject({ ok: false, message: 'mallory may not promote (promoters: alice)' });
    expect(judge({ by: 'alice' }, 'promote', { ...base, status: status([]) })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^nobody may promote/),
    });
  });
});
