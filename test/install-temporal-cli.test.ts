// scripts/install-temporal-cli.sh against a release host on loopback laid out as GitHub's
// (v<version>/checksums.txt and v<version>/temporal_cli_<version>_<os>_<arch>.tar.gz): the
// archive is installed only when its sha256 matches the published one; a tampered archive or an
// unreachable host falls back to go install (here: a PATH without Go, so the fallback says so).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort } from '../lab/daemons.js';
import { ROOT } from './support/cli-runner.js';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts', 'install-temporal-cli.sh');
const platform = `${process.platform === 'darwin' ? 'darwin' : 'linux'}_${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
const archiveName = `temporal_cli_9.9.9_${platform}.tar.gz`;

let work: string;
let server: Server;
let base: string;
const files = new Map<string, Buffer>();

/** The script's run: its exit code, its output, whether it installed the binary. */
async function install(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string; installed?: string }> {
  const dest = mkdtempSync(join(work, 'dest-'));
  const result = await run('bash', [SCRIPT, dest], {
    // No Go on this PATH: the fallback can only explain itself.
    env: { PATH: '/usr/bin:/bin', HOME: work, TEMPORAL_CLI_VERSION: '9.9.9', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
  );
  const binary = join(dest, 'temporal');
  return { ...result, ...(existsSync(binary) ? { installed: readFileSync(binary, 'utf8') } : {}) };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bluegreen-temporal-cli-'));
  const content = join(work, 'content');
  mkdirSync(content);
  writeFileSync(join(content, 'temporal'), '#!/bin/sh\necho "temporal version 9.9.9"\n', { mode: 0o755 });
  writeFileSync(join(content, 'LICENSE'), 'MIT\n');
  await run('tar', ['-czf', join(work, archiveName), '-C', content, 'temporal', 'LICENSE']);
  const archive = readFileSync(join(work, archiveName));
  const sha = createHash('sha256').update(archive).digest('hex');
  files.set(`/good/v9.9.9/${archiveName}`, archive);
  files.set(
    '/good/v9.9.9/checksums.txt',
    Buffer.from(`${'0'.repeat(64)}  temporal_cli_9.9.9_other.tar.gz\n${sha}  ${archiveName}\n`),
  );
  // The same checksums, an archive with one byte more.
  files.set(`/tampered/v9.9.9/${archiveName}`, Buffer.concat([archive, Buffer.from([0])]));
  files.set('/tampered/v9.9.9/checksums.txt', files.get('/good/v9.9.9/checksums.txt')!);
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('scripts/install-temporal-cli.sh', () => {
  it('installs the release archive whose sha256 matches checksums.txt', async () => {
    const result = await install({ TEMPORAL_CLI_RELEASES_URL: `${base}/good` });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('sha256 verified');
    expect(result.installed).toContain('temporal version 9.9.9');
  });

  it('refuses an archive that does not match, and falls back to go install', async () => {
    const result = await install({ TEMPORAL_CLI_RELEASES_URL: `${base}/tampered` });
    expect(result.output).toContain(`${archiveName} does not match checksums.txt`);
    expect(result.output).toContain('falling back to go install');
    expect(result.output).toContain('no Go toolchain');
    expect(result.installed).toBeUndefined();
    expect(result.code).toBe(1);
  });

  it('falls back at once when the release host is out of reach', async () => {
    const started = Date.now();
    const result = await install({ TEMPORAL_CLI_RELEASES_URL: `http://127.0.0.1:${await freeTcpPort('127.0.0.1')}` });
    expect(result.output).toContain('the release is out of reach');
    expect(result.output).toContain('falling back to go install');
    expect(result.installed).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
