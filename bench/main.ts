// `npm run bench [-- --quick] [--only overhead,reaction]`: runs the benchmarks on a Temporal
// dev server of their own and the lab, and writes BENCHMARKS.md (and .data/bench/results.json).
// With --only, the sections run replace theirs in the existing file (bench/support/splice.ts).
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { analysisHistory, metricRollback } from './analysis.js';
import { apiBudget } from './api-budget.js';
import { historySize } from './history-size.js';
import { overhead } from './overhead.js';
import { reaction } from './reaction.js';
import { rollback } from './rollback.js';
import { scale } from './scale.js';
import { switchRollback } from './switch-rollback.js';
import { progressive } from './progressive.js';
import { train } from './train.js';
import {
  benchDataDir,
  buildBundle,
  workerStarter,
  type BenchContext,
  type Section,
  type SectionResult,
} from './support/context.js';
import { ROOT, type WorkerProcess } from './support/processes.js';
import { spliceSections } from './support/splice.js';
import { table } from './support/stats.js';
import { startDevServer, temporalVersion } from '../lab/temporal-dev-server.js';

const SECTIONS: Record<string, Section> = {
  overhead,
  reaction,
  rollback,
  'switch-rollback': switchRollback,
  progressive,
  'metric-rollback': metricRollback,
  'api-budget': apiBudget,
  'history-size': historySize,
  'analysis-history': analysisHistory,
  scale,
  train,
};

async function run(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } },
  });
  const chosen = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SECTIONS);
  for (const name of chosen)
    if (!SECTIONS[name]) throw new Error(`unknown section ${name} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  const started = Date.now();
  const log = (message: string) => console.error(`bench: ${message}`);

  const dataDir = await benchDataDir();
  log('starting a Temporal dev server and bundling the workflow code…');
  const [server, bundlePath] = await Promise.all([startDevServer(), buildBundle(dataDir)]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const workers: WorkerProcess[] = [];
  const base = { quick: values.quick!, address: server.address, serverPid: server.pid, client, dataDir, bundlePath, log };
  const ctx: BenchContext = { ...base, startWorker: workerStarter(base, workers) };

  const results: SectionResult[] = [];
  try {
    for (const name of chosen) {
      const sectionStarted = Date.now();
      log(`── ${name}`);
      results.push(await SECTIONS[name]!(ctx));
      log(`${name} done in ${((Date.now() - sectionStarted) / 1000).toFixed(0)} s`);
      for (const worker of workers.splice(0)) await worker.stop();
    }
  } finally {
    for (const worker of workers.splice(0)) await worker.stop();
    await connection.close();
    await server.stop();
  }

  const machine = await describeMachine();
  const flags = [...(values.quick ? ['--quick'] : []), ...(values.only ? ['--only', values.only] : [])];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  const seconds = (Date.now() - started) / 1000;
  const out = values.out ?? `${ROOT}BENCHMARKS.md`;
  const previous = values.only ? await readFile(out, 'utf8').catch(() => undefined) : undefined;
  const markdown = previous
    ? spliceSections(
        previous,
        results,
        summaryRows(results).map((row) => `| ${row.join(' | ')} |`),
        `${results.map((r) => r.title.split('.')[0]).join(', ')} by \`${command}\` (${values.quick ? 'quick mode' : 'full'}, ${Math.round(seconds)} s) on ${machine.date}.`,
      )
    : render(results, machine, command, seconds, values.quick!);
  await writeFile(out, markdown);
  await writeFile(`${dataDir}/results.json`, JSON.stringify({ machine, command, results }, null, 2));
  log(`wrote ${out} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  return 0;
}

async function describeMachine() {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: sh('nproc', []),
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    temporal: await temporalVersion(),
    kernel: sh('uname', ['-sr']),
  };
}

function summaryRows(results: SectionResult[]): string[][] {
  return results.flatMap((r) =>
    r.targets.map((t) => [r.title, t.target, t.figure, t.met === undefined ? 'see text' : t.met ? '**met**' : '**not met**']),
  );
}

function render(
  results: SectionResult[],
  machine: Awaited<ReturnType<typeof describeMachine>>,
  command: string,
  seconds: number,
  quick: boolean,
): string {
  return [
    '# Benchmarks',
    '',
    `Produced by \`${command}\` (${quick ? 'quick mode: fewer repetitions and smaller sizes' : 'full run'}, ${Math.round(seconds)} s) on ${machine.date}.`,
    '',
    `Machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memory} memory, ${machine.kernel}; Node ${machine.node}; ${machine.temporal}.`,
    'Everything runs on this one machine: a Temporal dev server (in memory), the worker as its own process (`node bin/bluegreen.js worker`),',
    'and the lab (GitHub simulator, apps, routers) with the bench client in a third process. Timings on a shared 2-core machine are noisy:',
    'each figure is a median with its spread (min–max, n), and comparisons are ratios measured inside one run.',
    '',
    '## Summary',
    '',
    table(['section', 'target', 'figure', 'verdict'], summaryRows(results)),
    '',
    ...results.flatMap((r) => [`## ${r.title}`, '', r.markdown, '']),
  ].join('\n');
}

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
