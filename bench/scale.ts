// 6. Scale: 1, 50, 200 and 500 deployments of distinct services at once on one worker process:
// all complete? time to finish, latency per deployment, worker CPU and peak RSS. This file runs
// the rounds and the floor; bench/support/scale-round.ts one round, scale-report.ts the text.
import { readFile } from 'node:fs/promises';
import type { Lab } from '../lab/index.js';
import { startLab } from '../lab/index.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { report } from './support/scale-report.js';
import { runRound, type Round } from './support/scale-round.js';
import { ms, summarize } from './support/stats.js';
import { runFloorRound, type FloorRound } from './floor/run.js';
import type { FloorShape } from './floor/shape.js';

/** As the worker image runs it (Dockerfile). */
const IMAGE_WORKER = { nodeArgs: ['--max-old-space-size=256'], env: { BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS: '800' } };

export async function scale(ctx: BenchContext): Promise<SectionResult> {
  const sizes = ctx.quick ? [50, 100] : [50, 200, 500];
  const lab = await startLab({ runTiming: { queuedMs: 200, inProgressMs: 800 } });
  // ~20 rate-limited requests per deployment: 500 need 10,000, twice what a token gets per hour
  // from github.com (section 4). The lab's budget is raised to measure the orchestrator.
  lab.github.setRateLimit({ limit: 10_000_000, remaining: 10_000_000 });
  const rounds: Round[] = [];
  let floor: FloorRound[] = [];
  try {
    const worker = await ctx.startWorker('scale', lab, {
      nodeArgs: IMAGE_WORKER.nodeArgs,
      env: { ...IMAGE_WORKER.env, BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0' },
    });
    try {
      await runRound(ctx, lab, worker.pid, worker.taskQueue, 1, 'warm', 'warm-up');
      const single: Round[] = [];
      for (let i = 0; i < (ctx.quick ? 3 : 5); i++)
        single.push(await runRound(ctx, lab, worker.pid, worker.taskQueue, 1, `one${i}`, '1'));
      rounds.push({
        ...single.at(-1)!,
        label: '1 (one at a time)',
        succeeded: single.reduce((sum, r) => sum + r.succeeded, 0),
        count: single.length,
        wallMs: summarize(single.map((r) => r.wallMs)).median,
        latencies: single.flatMap((r) => r.latencies),
        histories: single.flatMap((r) => r.histories),
      });
      for (const n of sizes) {
        rounds.push(await runRound(ctx, lab, worker.pid, worker.taskQueue, n, `n${n}`, String(n)));
        log(ctx, rounds.at(-1)!);
      }
    } finally {
      await worker.stop();
    }
    floor = await runFloorRounds(ctx, lab, rounds[0]!.shape, sizes.at(-1)!);
    if (!ctx.quick) {
      // The same 500 on a worker with Node's default heap limit, for the memory comparison.
      const plain = await ctx.startWorker('scale-node-defaults', lab, { env: { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0' } });
      try {
        const n = sizes.at(-1)!;
        rounds.push(await runRound(ctx, lab, plain.pid, plain.taskQueue, n, `plain${n}`, `${n}, Node's default heap limit`));
        log(ctx, rounds.at(-1)!);
      } finally {
        await plain.stop();
      }
    }
  } finally {
    await lab.close();
  }
  return report(rounds, floor, await bundleSize(ctx.bundlePath));
}

/** The workflow bundle every workflow context holds a copy of: its code, and with its inline source map. */
async function bundleSize(path: string): Promise<{ codeBytes: number; bytes: number }> {
  const code = await readFile(path, 'utf8');
  return { codeBytes: Buffer.byteLength(code.replace(/\/\/# sourceMappingURL=.*$/m, '')), bytes: Buffer.byteLength(code) };
}

/**
 * The floor (bench/floor/): the deployment's shape, bare, on a floor worker process with the image's
 * settings: one at a time (as many as the single rounds), then `n` at once.
 */
async function runFloorRounds(ctx: BenchContext, lab: Lab, shape: FloorShape, n: number): Promise<FloorRound[]> {
  const worker = await ctx.startWorker('scale-floor', lab, { floor: true, ...IMAGE_WORKER });
  try {
    await runFloorRound(ctx.client, worker.taskQueue, shape, 1);
    const single: FloorRound[] = [];
    for (let i = 0; i < (ctx.quick ? 3 : 5); i++) single.push(await runFloorRound(ctx.client, worker.taskQueue, shape, 1));
    const alone = { n: 1, wallMs: summarize(single.map((r) => r.wallMs)).median, latencies: single.flatMap((r) => r.latencies) };
    const many = await runFloorRound(ctx.client, worker.taskQueue, shape, n);
    ctx.log(
      `scale: floor: 1 alone ${ms(alone.wallMs)}, ${n} at once ${ms(many.wallMs)} (latency median ${ms(summarize(many.latencies).median)})`,
    );
    return [alone, many];
  } finally {
    await worker.stop();
  }
}

function log(ctx: BenchContext, r: Round): void {
  ctx.log(
    `scale: ${r.label}: ${r.succeeded}/${r.count} in ${ms(r.wallMs)}, latency median ${ms(summarize(r.latencies).median)}, worker ${r.worker.cores.toFixed(2)} cores / peak RSS ${(r.worker.peakRss / 2 ** 20).toFixed(0)} MiB, server ${r.serverCores.toFixed(2)}, lab ${r.benchCores.toFixed(2)} cores`,
  );
}
