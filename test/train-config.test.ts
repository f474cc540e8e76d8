// bluegreen-train.yaml: the order (levels), unknown names and cycles named, service files'
// problems under the train file, and `validate` / `deploy --dry-run` showing the order.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../config/yaml.js';
import { trainLevels, trainOrderProblems, trainWorkflowIdFor } from '../contract/train.js';
import { loadTrainFile, resolveTrainPlan } from '../client/train-config.js';
import { runCli } from './support/cli-runner.js';
import { MINIMAL_CONFIG } from './support/configs.js';

/** A train directory: one bluegreen.yaml per service, and the train file. */
function trainDir(train: unknown, services = ['api', 'web', 'worker']): string {
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-train-'));
  for (const service of services) {
    mkdirSync(join(dir, service));
    writeFileSync(
      join(dir, service, 'bluegreen.yaml'),
      stringify({ ...MINIMAL_CONFIG, service, publicUrl: `http://127.0.0.1:1/${service}` }),
    );
  }
  writeFileSync(join(dir, 'bluegreen-train.yaml'), typeof train === 'string' ? train : stringify(train));
  return join(dir, 'bluegreen-train.yaml');
}

const SHOP = {
  train: 'shop',
  services: [
    { config: 'api/bluegreen.yaml' },
    { config: 'web/bluegreen.yaml', after: ['api'] },
    { config: 'worker/bluegreen.yaml' },
  ],
  approval: { approvers: ['qa-lead'] },
  monitor: { duration: '30m' },
};

async function problemsOf(path: string): Promise<string[]> {
  try {
    await loadTrainFile(path);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('train order', () => {
  it('puts every service after those it depends on, the file order within a level', () => {
    const levels = trainLevels([
      { service: 'web', after: ['api', 'auth'] },
      { service: 'api', after: ['db'] },
      { service: 'worker', after: [] },
      { service: 'db', after: [] },
      { service: 'auth', after: [] },
    ]);
    expect(levels).toEqual([['worker', 'db', 'auth'], ['api'], ['web']]);
  });

  it('names a cycle as a path, and an unknown or self dependency', () => {
    expect(
      trainOrderProblems([
        { service: 'a', after: ['c'] },
        { service: 'b', after: ['a'] },
        { service: 'c', after: ['b'] },
      ]).map((p) => p.message),
    ).toEqual(['the services depend on each other in a circle: a → c → b → a']);
    expect(trainOrderProblems([{ service: 'a', after: ['a', 'nope'] }]).map((p) => p.message)).toEqual([
      'a cannot come after itself',
      'a comes after "nope", which is not a service of this train (a)',
    ]);
    expect(() => trainLevels([{ service: 'a', after: ['a'] }])).toThrow(/after itself/);
  });
});

describe('bluegreen-train.yaml', () => {
  it('loads the services from their own files and plans each as a member of the train', async () => {
    const loaded = await loadTrainFile(trainDir(SHOP));
    expect(loaded.levels).toEqual([['api', 'worker'], ['web']]);
    const plan = resolveTrainPlan(loaded, { requestedBy: 'alice' });
    expect(plan.services.map((s) => [s.service, s.after])).toEqual([
      ['api', []],
      ['web', ['api']],
      ['worker', []],
    ]);
    const web = plan.services[1]!.plan;
    expect(web.train).toEqual({ name: 'shop', workflowId: trainWorkflowIdFor('shop'), approval: 'train' });
    // The train's monitor window is a floor for every service's.
    expect(web.monitor.durationMs).toBe(1_800_000);
    expect(plan.approval).toMatchObject({ required: true, approvers: ['qa-lead'], perService: false, minApprovals: 1 });
  });

  it('refuses an unknown name and a cycle, naming them where the train file says so', async () => {
    const unknown = trainDir({ ...SHOP, services: [{ config: 'api/bluegreen.yaml', after: ['db'] }] });
    expect(await problemsOf(unknown)).toEqual([
      'services.0.after.0: api comes after "db", which is not a service of this train (api)',
    ]);
    const circle = trainDir({
      train: 'shop',
      services: [
        { config: 'api/bluegreen.yaml', after: ['web'] },
        { config: 'web/bluegreen.yaml', after: ['api'] },
      ],
    });
    expect(await problemsOf(circle)).toEqual([
      'services.0.after: the services depend on each other in a circle: api → web → api',
    ]);
  });

  it("reports a service file's problems under the train file, and the train file's own", async () => {
    const path = trainDir({ train: 'Shop', services: [{ config: 'nope/bluegreen.yaml' }], aproval: {} });
    expect(await problemsOf(path)).toEqual([
      'train: train names are lowercase letters, digits, ".", "_" and "-" (at most 63) (got the text "Shop")',
      'aproval: unknown key, did you mean "approval"?',
    ]);
    const missing = trainDir({ train: 'shop', services: [{ config: 'nope/bluegreen.yaml' }] });
    expect(await problemsOf(missing)).toEqual([
      'services.0.config: nope/bluegreen.yaml: cannot read the config file: no such file',
    ]);
  });
});

describe('the CLI on a train file', () => {
  it('validate shows the switch order; deploy --dry-run the levels and starts nothing', async () => {
    const path = trainDir(SHOP);
    const valid = await runCli(['validate', path]);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('valid (train shop, 3 services)');
    expect(valid.stdout).toContain('switch order: api, worker → web');

    const dry = await runCli(['deploy', path, '--dry-run', '--by', 'alice']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('switch order   api, worker → web');
    expect(dry.stdout).toMatch(/level 1 +api/);
    expect(dry.stdout).toMatch(/level 2 +web +\? → \?, after api/);
    expect(dry.stdout).toContain('one for the train: qa-lead within 24h');

    const circle = trainDir({ ...SHOP, services: [{ config: 'api/bluegreen.yaml', after: ['api'] }] });
    const bad = await runCli(['validate', circle]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('api cannot come after itself');
  });
});
