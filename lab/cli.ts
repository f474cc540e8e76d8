// `npx tsx lab/cli.ts [--port-file F] [--github-port N] [--public-port N] [--blue-port N]
// [--green-port N] [--dns-lag-ms N] [--queued-ms N] [--in-progress-ms N]`: starts a lab, prints
// its URLs as one JSON line and runs until SIGINT/SIGTERM. With --port-file the same JSON is
// written there (atomically), so a test or script in another process can wait for it.
import { rename, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startLab } from './index.js';

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-file': { type: 'string' },
      'github-port': { type: 'string' },
      'public-port': { type: 'string' },
      'blue-port': { type: 'string' },
      'green-port': { type: 'string' },
      'dns-lag-ms': { type: 'string' },
      'queued-ms': { type: 'string' },
      'in-progress-ms': { type: 'string' },
    },
  });
  const num = (name: keyof typeof values): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
    return n;
  };
  const lab = await startLab({
    ports: {
      github: num('github-port') ?? 0,
      public: num('public-port') ?? 0,
      blue: num('blue-port') ?? 0,
      green: num('green-port') ?? 0,
    },
    dnsLagMs: num('dns-lag-ms') ?? 0,
    runTiming: { queuedMs: num('queued-ms') ?? 1_000, inProgressMs: num('in-progress-ms') ?? 4_000 },
  });
  const info = {
    githubUrl: lab.githubUrl,
    controlUrl: lab.controlUrl,
    publicUrl: lab.publicUrl,
    appUrls: lab.appUrls,
    owner: lab.owner,
    repo: lab.repo,
    token: lab.token,
    branches: lab.branches,
    pid: process.pid,
  };
  const portFile = values['port-file'];
  if (portFile) {
    await writeFile(`${portFile}.tmp`, JSON.stringify(info, null, 2));
    await rename(`${portFile}.tmp`, portFile);
  }
  console.log(JSON.stringify(info));

  const stop = async () => {
    await lab.close();
    if (portFile) await rm(portFile, { force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
