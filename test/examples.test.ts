// Every file in examples/ is checked by what it is, so an example never rots: a bluegreen.yaml
// loads and resolves to a plan (its switch's steps included), a worker policy parses, the
// progressive examples pass their worker policy part (examples/bluegreen-worker-steps.yaml), the
// GitHub workflow templates are dispatchable, the IAM documents are policies, the compose file is
// YAML with services. A file of a kind nobody checks fails the test. Pure: no server.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { hasDispatchTrigger, readWorkflowFile } from '../client/preflight/workflow-file.js';
import { pluginProblems } from '../worker/plan-check.js';
import { parseWorkerPolicy } from '../worker/policy.js';

const ROOT = new URL('..', import.meta.url).pathname;
const EXAMPLES = join(ROOT, 'examples');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(EXAMPLES, path)];
  });
}

type Kind = 'worker policy' | 'config' | 'github workflow' | 'iam policy' | 'compose file';

function kindOf(file: string): Kind | undefined {
  if (/^bluegreen-worker[\w-]*\.yaml$/.test(file)) return 'worker policy';
  if (/^bluegreen[\w-]*\.yaml$/.test(file)) return 'config';
  if (/^github-workflows\/[\w-]+\.yml$/.test(file)) return 'github workflow';
  if (/^iam\/[\w-]+\.json$/.test(file)) return 'iam policy';
  if (/^docker-compose[\w.-]*\.yml$/.test(file)) return 'compose file';
  return undefined;
}

const read = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8');
const planOf = async (file: string) => resolvePlan(await loadConfigFile(join(EXAMPLES, file)), { requestedBy: 'alice' });

const files = filesUnder(EXAMPLES).sort();

describe('examples/', () => {
  it('holds only files of a kind this test checks', () => {
    expect(files.filter((file) => kindOf(file) === undefined)).toEqual([]);
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.filter((f) => kindOf(f) === 'config'))('%s loads and resolves to a plan', async (file) => {
    const plan = await planOf(file);
    expect(plan.service).toBeTruthy();
    if (/-steps\.yaml$/.test(file)) expect(plan.switch.steps).toEqual([10, 50, 100]);
  });

  it.each(files.filter((f) => kindOf(f) === 'worker policy'))('%s parses as a worker policy', (file) => {
    expect(() => parseWorkerPolicy(read(file), file)).not.toThrow();
  });

  it.each(files.filter((f) => /-steps\.yaml$/.test(f) && kindOf(f) === 'config'))(
    '%s passes the policy part of examples/bluegreen-worker-steps.yaml',
    async (file) => {
      const policy = parseWorkerPolicy(read('bluegreen-worker-steps.yaml'), 'bluegreen-worker-steps.yaml');
      expect(pluginProblems(await planOf(file), policy)).toEqual([]);
    },
  );

  it('the progressive examples are one per native switch type', () => {
    expect(files.filter((f) => kindOf(f) === 'config' && /-steps\.yaml$/.test(f))).toEqual([
      'bluegreen-alb-steps.yaml',
      'bluegreen-haproxy-steps.yaml',
      'bluegreen-route53-steps.yaml',
    ]);
  });

  it.each(files.filter((f) => kindOf(f) === 'github workflow'))('%s is a workflow_dispatch workflow', (file) => {
    const parsed = readWorkflowFile(read(file));
    expect(parsed.ok && hasDispatchTrigger(parsed.reading)).toBe(true);
  });

  it.each(files.filter((f) => kindOf(f) === 'iam policy'))('%s is an IAM policy document', (file) => {
    const doc = JSON.parse(read(file)) as { Version?: string; Statement?: unknown[] };
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement?.length).toBeGreaterThan(0);
  });

  it.each(files.filter((f) => kindOf(f) === 'compose file'))('%s is a compose file with services', (file) => {
    expect(Object.keys((parse(read(file)) as { services?: object }).services ?? {})).not.toEqual([]);
  });
});
