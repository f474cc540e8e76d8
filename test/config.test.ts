// The config validator as a function of its input, checked with fast-check: whatever the
// bytes, it returns a config or throws a ConfigError whose every problem names its field and
// says something specific; every config built by the rules is accepted and means the same
// after a trip through YAML.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../client/config.js';
import type { BlueGreenConfig } from '../client/config-schema.js';
import { MINIMAL_CONFIG } from './support/configs.js';

const RUNS = { numRuns: 300 };

/** Text that survives as itself: no `${…}` (interpolated), not blank (names must not be empty). */
const plainText = (maxLength: number) =>
  fc.string({ minLength: 1, maxLength }).filter((s) => !s.includes('${') && s.trim() !== '');
const workflowFile = fc.stringMatching(/^[\w.-]{1,20}\.ya?ml$/);
const httpUrl = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.domain(),
    fc.array(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([scheme, host, path, slash]) => `${scheme}://${host}${path.length ? `/${path.join('/')}` : ''}${slash ? '/' : ''}`);
const ms = (min: number, max: number) => fc.integer({ min, max });
const asDuration = (value: number): string =>
  value % 60_000 === 0 ? `${value / 60_000}m` : value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`;

interface Generated {
  input: Record<string, unknown>;
  /** What the parsed config must say about the generated values. */
  expect: { service: string; verifyTimeoutMs: number; monitorDurationMs: number; monitorIntervalMs: number; publicUrl: string };
}

/** Configs that follow every rule of the schema and the cross-field checks. */
const validConfig: fc.Arbitrary<Generated> = fc
  .record({
    service: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,62}$/),
    owner: plainText(40),
    repo: plainText(40),
    baseUrl: fc.option(httpUrl, { nil: undefined }),
    publicUrl: httpUrl,
    branches: fc.uniqueArray(plainText(30), { minLength: 2, maxLength: 2 }),
    urls: fc.uniqueArray(httpUrl, { minLength: 2, maxLength: 2, selector: (u) => u.replace(/\/+$/, '') }),
    workflows: fc.uniqueArray(workflowFile, { minLength: 2, maxLength: 2 }),
    successes: fc.integer({ min: 1, max: 100 }),
    verifyInterval: ms(1, 3_600_000),
    verifyTimeout: ms(1, 6 * 3_600_000),
    approvers: fc.array(plainText(20), { minLength: 1, maxLength: 5 }),
    approvalRequired: fc.boolean(),
    monitorDuration: fc.oneof(fc.constant(0), ms(1, 86_400_000)),
    monitorIntervalShare: fc.double({ min: 0, max: 1, noNaN: true }),
    failureThreshold: fc.integer({ min: 1, max: 1000 }),
    sync: fc.record({ enabled: fc.boolean(), redeploy: fc.boolean() }),
    automatic: fc.boolean(),
    sparse: fc.boolean(),
  })
  .map((g) => {
    const monitorInterval = Math.max(
      1,
      Math.min(3_600_000, Math.floor((g.monitorDuration || 3_600_000) * g.monitorIntervalShare)),
    );
    const full: Record<string, unknown> = {
      service: g.service,
      github: { owner: g.owner, repo: g.repo, ...(g.baseUrl ? { baseUrl: g.baseUrl } : {}) },
      publicUrl: g.publicUrl,
      environments: {
        green: { branch: g.branches[0], url: g.urls[0], deployWorkflow: g.workflows[0] },
        blue: { branch: g.branches[1], url: g.urls[1], deployWorkflow: g.workflows[1] },
      },
      verify: { successes: g.successes, interval: asDuration(g.verifyInterval), timeout: asDuration(g.verifyTimeout) },
      approval: { required: g.approvalRequired, approvers: g.approvers },
      monitor: {
        duration: g.monitorDuration === 0 ? 0 : asDuration(g.monitorDuration),
        interval: asDuration(monitorInterval),
        failureThreshold: g.failureThreshold,
      },
      sync: g.sync,
      rollback: { automatic: g.automatic },
    };
    // The sparse variant leaves out what has a default: the defaults must be valid together.
    const input = g.sparse
      ? {
          service: full['service'],
          github: full['github'],
          publicUrl: full['publicUrl'],
          environments: full['environments'],
          approval: { approvers: g.approvers },
        }
      : full;
    return {
      input,
      expect: {
        service: g.service,
        publicUrl: g.publicUrl.replace(/\/+$/, ''),
        verifyTimeoutMs: g.sparse ? 300_000 : g.verifyTimeout,
        monitorDurationMs: g.sparse ? 900_000 : g.monitorDuration,
        monitorIntervalMs: g.sparse ? 30_000 : monitorInterval,
      },
    };
  });

/** Fields whose parsed value is milliseconds and whose file value is a duration text. */
const DURATION_KEYS = new Set([
  'runTimeout',
  'pollInterval',
  'verifyTimeout',
  'interval',
  'timeout',
  'duration',
  'heartbeat',
  'askTimeout',
]);

/** A parsed config written back as a file would say it. */
function toFileForm(value: unknown, key = ''): unknown {
  if (typeof value === 'number' && DURATION_KEYS.has(key)) return value === 0 && key === 'duration' ? 0 : `${value}ms`;
  if (Array.isArray(value)) return value.map((item) => toFileForm(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toFileForm(v, k)]),
    );
  }
  return value;
}

/** Runs the validator; anything thrown that is not a ConfigError fails the property. */
function validate(input: string | Uint8Array): BlueGreenConfig | ConfigError {
  try {
    return parseConfigText(input, 'generated.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
}

function expectSpecificProblems(error: ConfigError): void {
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(typeof problem.path).toBe('string');
    expect(problem.message.trim().length).toBeGreaterThan(5);
    // zod's bare fallback says nothing a user can act on.
    expect(problem.message).not.toMatch(/^Invalid input$/);
  }
}

describe('config validator properties', () => {
  it('accepts every config built by the rules, meaning what it says', () => {
    fc.assert(
      fc.property(validConfig, ({ input, expect: want }) => {
        const parsed = validate(stringify(input));
        if (parsed instanceof ConfigError) throw new Error(`refused a valid config: ${parsed.message}\n${stringify(input)}`);
        expect(parsed.service).toBe(want.service);
        expect(parsed.publicUrl).toBe(want.publicUrl);
        expect(parsed.verify.timeout).toBe(want.verifyTimeoutMs);
        expect(parsed.monitor.duration).toBe(want.monitorDurationMs);
        expect(parsed.monitor.interval).toBe(want.monitorIntervalMs);
      }),
      RUNS,
    );
  });

  it('round-trips: YAML and JSON of one config parse the same, and a parsed config written back parses to itself', () => {
    fc.assert(
      fc.property(validConfig, ({ input }) => {
        const fromYaml = validate(stringify(input));
        const fromJson = validate(JSON.stringify(input));
        expect(fromJson).toEqual(fromYaml);
        const again = validate(stringify(toFileForm(fromYaml)));
        expect(again).toEqual(fromYaml);
      }),
      RUNS,
    );
  });

  it('never throws anything but a ConfigError with specific problems: any YAML value', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (value) => {
        const result = validate(stringify(value) ?? '');
        if (result instanceof ConfigError) expectSpecificProblems(result);
      }),
      RUNS,
    );
  });

  it('never throws anything but a ConfigError: any bytes and any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 400, unit: 'binary' })), (input) => {
        const result = validate(input);
        if (result instanceof ConfigError) expectSpecificProblems(result);
      }),
      RUNS,
    );
  });

  it('a valid config with one field replaced by anything (or removed) is accepted or refused naming that field', () => {
    const pathsOf = (value: unknown, prefix: string[] = []): string[][] =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])])
        : [];
    const mutated = validConfig.chain(({ input }) =>
      fc.tuple(fc.constant(input), fc.constantFrom(...pathsOf(input)), fc.option(fc.anything(), { nil: undefined })),
    );
    fc.assert(
      fc.property(mutated, ([input, path, replacement]) => {
        const copy = structuredClone(input);
        const parent = path
          .slice(0, -1)
          .reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, copy);
        if (replacement === undefined) delete parent[path.at(-1)!];
        else parent[path.at(-1)!] = replacement;
        const result = validate(stringify(copy));
        if (!(result instanceof ConfigError)) return;
        expectSpecificProblems(result);
        // The problem is about the changed field, something inside it, or a rule that compares it.
        const changed = path.join('.');
        const related = result.problems.some(
          (p) =>
            p.path === changed ||
            p.path.startsWith(`${changed}.`) ||
            changed.startsWith(`${p.path}.`) ||
            p.path === '' ||
            /same|approvers|monitor\.interval|hooks/.test(p.path + p.message),
        );
        expect(related, `${changed} → ${result.message}`).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('config examples', () => {
  const base = stringify({
    ...MINIMAL_CONFIG,
    github: { owner: 'datatruck', repo: 'backend' },
    publicUrl: 'https://api.example.com/',
    approval: { approvers: ['${QA_LEAD}'] },
  });

  it('fills in every default and takes ${VAR} from the environment', () => {
    const config = parseConfigText(base, 'x.yaml', { QA_LEAD: 'alice' });
    expect(config.approval).toEqual({
      required: true,
      approvers: ['alice'],
      timeout: 86_400_000,
      via: 'signal',
      environment: 'qa',
      workflow: 'qa-gate.yml',
      minApprovals: 1,
      allowSelfApproval: false,
    });
    expect(config.publicUrl).toBe('https://api.example.com');
    expect(config.verify).toEqual({ healthPath: '/health', successes: 3, interval: 5_000, timeout: 300_000 });
    expect(config.monitor).toEqual({
      duration: 900_000,
      interval: 30_000,
      failureThreshold: 3,
      standby: { probe: true, failures: 3, askTimeout: 1_800_000 },
    });
    expect(config.deploy).toEqual({ runTimeout: 1_800_000, pollInterval: 3_000 });
  });

  it('approval via GitHub: the gate environment and workflow, at most 30 days (GitHub fails a waiting job then)', () => {
    const viaGithub = (approval: Record<string, unknown>) =>
      parseConfigText(
        base.replace('approvers:\n    - ${QA_LEAD}', `approvers: [alice]\n${stringify(approval).replace(/^/gm, '  ')}`),
        'x.yaml',
        {},
      );
    const config = viaGithub({ via: 'github', environment: 'qa-prod', minApprovals: 2, timeout: '30d' });
    expect(config.approval).toMatchObject({ via: 'github', environment: 'qa-prod', workflow: 'qa-gate.yml', minApprovals: 2 });
    const problems = (approval: Record<string, unknown>) => {
      try {
        viaGithub(approval);
      } catch (err) {
        return (err as ConfigError).problems.map(({ path, message }) => ({ path, message }));
      }
      throw new Error('accepted');
    };
    expect(problems({ via: 'github', timeout: '31d' })).toContainEqual({
      path: 'approval.timeout',
      message: '"31d" is longer than the maximum of 30d: GitHub fails a job waiting for review after 30 days',
    });
    expect(problems({ via: 'email' })).toContainEqual({
      path: 'approval.via',
      message: 'expected "signal" or "github" (got the text "email")',
    });
    expect(problems({ via: 'githb' })).toContainEqual({
      path: 'approval.via',
      message: 'expected "signal" or "github" (got the text "githb"), did you mean "github"?',
    });
  });

  it('a switch type nobody registered is refused with the registered ones', () => {
    const problemsOf = (text: string) => {
      try {
        parseConfigText(text, 'x.yaml', { QA_LEAD: 'alice' });
      } catch (err) {
        return (err as ConfigError).problems.map(({ path, message }) => ({ path, message }));
      }
      throw new Error('accepted');
    };
    const expected =
      'expected type "workflow" (with workflow, ref), type "http" (with url), type "dns" (with tsig, see docs/dns.md), ' +
      'type "alb" (with ruleArn or listenerArn, and targetGroups), type "route53" (with hostedZoneId and name) ' +
      'or type "haproxy" (with socket and backend)';
    expect(problemsOf(`${base}switch: { type: consul }\n`)).toEqual([
      { path: 'switch.type', message: `${expected}, got the text "consul"` },
    ]);
    expect(problemsOf(`${base}switch: { type: 7 }\n`)).toEqual([
      { path: 'switch.type', message: `${expected}, got the number 7` },
    ]);
  });

  it('says which variable is missing and where it is used', () => {
    const error = (() => {
      try {
        parseConfigText(base, 'x.yaml', {});
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(error.problems).toContainEqual(
      expect.objectContaining({ path: 'approval.approvers.0', message: expect.stringMatching(/QA_LEAD is not set/) }),
    );
  });
});
