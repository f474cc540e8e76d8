// The production kit: docker-compose.yml, the worker Dockerfile, the GitHub Actions templates
// and the sample config. Real tools check them (docker compose, actionlint, the config loader);
// the structural checks pin what the orchestrator relies on.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../client/config.js';
import { DEPLOY_INPUT_NAMES, SWITCH_INPUT_NAMES, SWITCH_WEIGHT_INPUT } from '../contract/dispatch-inputs.js';
import { GATE_INPUT_NAMES } from '../contract/gate-inputs.js';
import { qaGateWorkflow } from '../lab/github/review-controls.js';
import { SEARCH_ATTRIBUTES } from '../contract/search-attributes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const toolsBin = join(root, '.tools', 'bin');
const templatesDir = join(root, 'examples', 'github-workflows');
const templates = ['deploy-green.yml', 'deploy-blue.yml', 'dns-update.yml'];

const read = (relative: string): string => readFileSync(join(root, relative), 'utf8');
// Parsed YAML, checked field by field.
const readYaml = (relative: string): any => parse(read(relative));

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}` };
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

// Docker Compose v2+: the docker CLI plugin, or a standalone docker-compose (which
// `scripts/install-tools.sh --with-compose` builds into .tools/bin). v1 does not know `configs.content`.
function findCompose(): string[] | undefined {
  if (onPath('docker') !== undefined && run('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  for (const candidate of [join(toolsBin, 'docker-compose'), onPath('docker-compose')]) {
    if (candidate === undefined || !existsSync(candidate)) continue;
    const version = run(candidate, ['version', '--short']);
    if (version.status === 0 && /^v?([2-9]|\d{2,})\./.test(version.output.trim())) return [candidate];
  }
  return undefined;
}

const compose = findCompose();
const composeSkipReason =
  'skipped: no Docker Compose v2+ here (neither `docker compose` nor a docker-compose v2 on PATH or in .tools/bin); ' +
  'run `bash scripts/install-tools.sh --with-compose` to build one';

/** The environment compose needs: the Postgres password it refuses to start without. */
const withPassword = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({
  POSTGRES_PASSWORD: 'generated-secret',
  ...env,
});

function composeConfig(file: string, env: NodeJS.ProcessEnv) {
  const [command, ...prefix] = compose!;
  return run(command!, [...prefix, '-f', file, 'config', '--format', 'json'], withPassword(env));
}

describe('docker-compose.yml', () => {
  const file = readYaml('docker-compose.yml');

  it.skipIf(compose === undefined)(
    compose === undefined ? `docker compose config -q (${composeSkipReason})` : 'is accepted by `docker compose config -q`',
    () => {
      const [command, ...prefix] = compose!;
      for (const path of ['docker-compose.yml', 'examples/docker-compose.cloud.yml']) {
        const result = run(command!, [...prefix, '-f', path, 'config', '-q'], withPassword());
        expect(result.output, path).toBe('');
        expect(result.status, `${path}: ${result.output}`).toBe(0);
      }
    },
  );

  it.skipIf(compose === undefined)(
    compose === undefined
      ? `GitHub credentials pass-through (${composeSkipReason})`
      : 'passes GitHub credentials through from the host, never storing them',
    () => {
      const env = { ...process.env };
      for (const name of ['GITHUB_TOKEN', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'])
        delete env[name];
      const without = composeConfig('docker-compose.yml', env);
      expect(without.status, without.output).toBe(0);
      expect(JSON.parse(without.output).services.worker.environment.GITHUB_TOKEN ?? null).toBeNull();

      const withToken = composeConfig('docker-compose.yml', { ...env, GITHUB_TOKEN: 'token-from-the-host' });
      expect(withToken.status, withToken.output).toBe(0);
      expect(JSON.parse(withToken.output).services.worker.environment.GITHUB_TOKEN).toBe('token-from-the-host');
    },
  );

  it.skipIf(compose === undefined)(
    compose === undefined
      ? `refuses to start without POSTGRES_PASSWORD (${composeSkipReason})`
      : 'refuses to start without POSTGRES_PASSWORD, and mounts the worker policy read-only',
    () => {
      const [command, ...prefix] = compose!;
      const env = { ...process.env };
      delete env['POSTGRES_PASSWORD'];
      const refused = run(command!, [...prefix, '-f', 'docker-compose.yml', 'config', '-q'], env);
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain('set POSTGRES_PASSWORD');

      const config = composeConfig('docker-compose.yml', { ...env, POSTGRES_PASSWORD: 'generated-secret' });
      expect(config.status, config.output).toBe(0);
      const services = JSON.parse(config.output).services;
      expect(services.postgresql.environment.POSTGRES_PASSWORD).toBe('generated-secret');
      expect(services.worker.environment.BLUEGREEN_WORKER_POLICY).toBe('/etc/bluegreen/bluegreen-worker.yaml');
      expect(services.worker.volumes).toContainEqual(
        expect.objectContaining({ target: '/etc/bluegreen/bluegreen-worker.yaml', read_only: true }),
      );
    },
  );

  it('registers every search attribute of the workflow contract as a Keyword', () => {
    const script: string = file.services['temporal-setup'].command.join('\n');
    const registered = /for name in ([\w ]+); do/.exec(script)?.[1]?.trim().split(/\s+/);
    expect(registered?.slice().sort()).toEqual([...SEARCH_ATTRIBUTES].sort());
    expect(script).toContain('--type Keyword');
    expect(script).toContain('namespace create');
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries<{ image?: string; build?: unknown }>(file.services)) {
      if (service.build !== undefined) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:\d+(\.\d+)+(-[\w.]+)?$/);
    }
  });

  it('orders startup with health checks and one-shot steps', () => {
    const { services } = file;
    for (const name of ['postgresql', 'temporal', 'temporal-ui']) expect(services[name].healthcheck, name).toBeDefined();
    expect(services['temporal-schema'].depends_on.postgresql.condition).toBe('service_healthy');
    expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(services['temporal-setup'].depends_on.temporal.condition).toBe('service_healthy');
    expect(services.worker.depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
    expect(services.postgresql.volumes).toContain('postgresql-data:/var/lib/postgresql/data');
    expect(Object.keys(file.volumes)).toContain('postgresql-data');
  });

  it('gives the worker its secrets only by name, from the host environment', () => {
    const env: string[] = file.services.worker.environment;
    for (const name of ['GITHUB_TOKEN', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID']) {
      expect(env).toContain(name);
    }
    expect(file.services.worker.build.dockerfile).toBe('Dockerfile');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('runs the packed package on production dependencies only, without tsx, as non-root', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    // The runtime holds the files of the tarball users install (bin/, dist/ with its workflow bundle).
    expect(dockerfile).toMatch(/RUN npm pack /);
    expect(dockerfile).toMatch(/tar -xzf \/tmp\/bluegreen\.tgz/);
    expect(dockerfile).toContain('test -s dist/workflow-bundle.js');
    const runtime = dockerfile
      .slice(dockerfile.lastIndexOf('\nFROM '))
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'));
    expect(runtime.join('\n')).not.toMatch(/tsx|\.ts\b/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^FROM node:\S+|^ARG NODE_IMAGE=node:\d+\.\d+\.\d+/m);
    expect(dockerfile).not.toMatch(/GITHUB_TOKEN|TEMPORAL_API_KEY/);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', '.git', '.tools', '.env', '.env.*', '*.pem']) expect(ignored).toContain(entry);
  });
});

describe('GitHub Actions templates', () => {
  let actionlint = '';

  beforeAll(() => {
    const found = [join(toolsBin, 'actionlint'), onPath('actionlint')].find((p) => p !== undefined && existsSync(p));
    if (found !== undefined) {
      actionlint = found;
      return;
    }
    const installed = run('bash', [join(root, 'scripts', 'install-tools.sh')]);
    if (installed.status !== 0) throw new Error(`scripts/install-tools.sh failed:\n${installed.output}`);
    actionlint = join(toolsBin, 'actionlint');
  }, 600_000);

  it('pass actionlint', () => {
    const result = run(actionlint, ['-no-color', ...templates.map((name) => join(templatesDir, name))]);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('qa-gate.yml passes actionlint, declares the gate inputs and holds one job on an environment', () => {
    const result = run(actionlint, ['-no-color', join(templatesDir, 'qa-gate.yml')]);
    expect(result.output).toBe('');
    const gate = readYaml('examples/github-workflows/qa-gate.yml');
    expect(Object.keys(gate.on.workflow_dispatch.inputs).sort()).toEqual([...GATE_INPUT_NAMES].sort());
    // The approval is bound to the id and the SHA through the run's title.
    expect(gate['run-name']).toContain('inputs.deployment_id');
    expect(gate['run-name']).toContain('inputs.sha');
    const jobs = Object.values<{ environment?: { name?: string } }>(gate.jobs);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.environment?.name).toBe('qa');
    expect(gate.permissions).toEqual({});
    // The lab runs the same gate: same inputs, same title.
    const lab = qaGateWorkflow('qa');
    expect(lab.runName).toBe(gate['run-name']);
    expect(Object.keys(lab.inputs!).sort()).toEqual([...GATE_INPUT_NAMES].sort());
  });

  it.each([
    ['deploy-green.yml', DEPLOY_INPUT_NAMES],
    ['deploy-blue.yml', DEPLOY_INPUT_NAMES],
    ['dns-update.yml', SWITCH_INPUT_NAMES],
  ] as const)('%s declares exactly the inputs the orchestrator sends', (name, expected) => {
    const workflow = readYaml(`examples/github-workflows/${name}`);
    const inputs = workflow.on.workflow_dispatch.inputs;
    // The switch's `weight` is optional: sent only for a plan with switch.steps.
    const optional = name === 'dns-update.yml' ? [SWITCH_WEIGHT_INPUT] : [];
    expect(Object.keys(inputs).sort()).toEqual([...expected, ...optional].sort());
    for (const [input, spec] of Object.entries<{ required?: boolean }>(inputs))
      expect(spec.required, input).toBe(!optional.includes(input));
    expect(inputs.color.type).toBe('choice');
    expect(inputs.color.options).toEqual(['blue', 'green']);
    // The orchestrator finds its run by the deployment id in the run's title.
    expect(workflow['run-name']).toContain('inputs.deployment_id');
  });

  it.each(templates)('%s never runs twice at once and asks for no more than it needs', (name) => {
    const workflow = readYaml(`examples/github-workflows/${name}`);
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
    expect(workflow.concurrency.group).toMatch(/^bluegreen-/);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(read(`examples/github-workflows/${name}`)).toContain('PLACEHOLDER');
  });

  it('deploy templates check out the dispatched sha, one concurrency group per color', () => {
    const green = readYaml('examples/github-workflows/deploy-green.yml');
    const blue = readYaml('examples/github-workflows/deploy-blue.yml');
    for (const workflow of [green, blue]) {
      const steps: Array<{ uses?: string; with?: Record<string, string> }> = Object.values<{ steps: [] }>(workflow.jobs)[0]!
        .steps;
      const checkout = steps.find((step) => step.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.ref).toBe('${{ inputs.sha }}');
    }
    expect(green.concurrency.group).not.toBe(blue.concurrency.group);
    expect(readYaml('examples/github-workflows/dns-update.yml').concurrency.group).toBe('bluegreen-dns-update');
  });
});

describe('examples/bluegreen.yaml', () => {
  it('is a valid config for datatruck-api, as DESIGN.md describes', async () => {
    const config = await loadConfigFile(join(root, 'examples', 'bluegreen.yaml'), {});
    expect(config.service).toBe('datatruck-api');
    expect(config.github).toEqual({ owner: 'datatruck', repo: 'backend' });
    expect(config.environments.green).toMatchObject({ branch: 'green', deployWorkflow: 'deploy-green.yml' });
    expect(config.environments.blue).toMatchObject({ branch: 'production', deployWorkflow: 'deploy-blue.yml' });
    expect(config.switch).toMatchObject({ workflow: 'dns-update.yml', ref: 'production' });
    for (const name of templates) expect(existsSync(join(templatesDir, name)), name).toBe(true);
  });
});
