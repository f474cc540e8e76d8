// 1. Orchestration overhead: full deployments on the lab with zero-length runs, no approval
// gate, a zero monitor window; wall time per deployment and per phase against the external
// work (the lab's runs), and where the rest goes according to the workflow history. This file
// runs the deployments and the floor; bench/support/overhead-report.ts writes the section.
import { loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { startLab, type Lab } from '../lab/index.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { deployAndWait } from './support/context.js';
import { breakdown } from './support/history.js';
import { overheadOf, report, type Cell, type FloorCell, type Variant } from './support/overhead-report.js';
import { LEAN, planFrom } from './support/plans.js';
import { ms, summarize } from './support/stats.js';
import { startDevServer } from '../lab/temporal-dev-server.js';
import { runFloor, type FloorRun } from './floor/run.js';
import { shapeOf, type FloorShape } from './floor/shape.js';

export async function overhead(ctx: BenchContext): Promise<SectionResult> {
  const q = ctx.quick;
  const variants: Variant[] = [
    { key: 'lean', label: 'sync off', spacing: false, sync: false, server: 'bench', n: q ? 5 : 15 },
    { key: 'lean-sync', label: 'sync on', spacing: false, sync: true, server: 'bench', n: q ? 5 : 15 },
    {
      key: 'spaced',
      label: 'sync off, writes spaced 1 s (shipped default)',
      spacing: true,
      sync: false,
      server: 'bench',
      n: q ? 2 : 4,
    },
    {
      key: 'spaced-sync',
      label: 'sync on, writes spaced 1 s (shipped default)',
      spacing: true,
      sync: true,
      server: 'bench',
      n: q ? 2 : 4,
    },
    {
      key: 'no-eager',
      label: 'sync off, eager activities off (server default)',
      spacing: false,
      sync: false,
      server: 'no-eager',
      n: q ? 3 : 8,
    },
    {
      key: 'fast-transfer',
      label: 'sync off, transfer queue polled up to 1000/s (server default 20/s)',
      spacing: false,
      sync: false,
      server: 'fast-transfer',
      n: q ? 3 : 8,
    },
  ];
  const lab = await startLab({ runTiming: { queuedMs: 0, inProgressMs: 0 } });
  const servers = {
    'no-eager': await startDevServer({ eagerActivities: false }),
    'fast-transfer': await startDevServer({ dynamicConfig: ['history.transferProcessorMaxPollRPS=1000'] }),
  };
  const connections = await Promise.all(Object.values(servers).map((s) => Connection.connect({ address: s.address })));
  const clients = {
    'no-eager': new Client({ connection: connections[0]!, namespace: 'default' }),
    'fast-transfer': new Client({ connection: connections[1]!, namespace: 'default' }),
  };
  const cells: Cell[] = [];
  const floors: FloorCell[] = [];
  try {
    for (const variant of variants) {
      const worker = await ctx.startWorker(`overhead-${variant.key}`, lab, {
        ...(variant.spacing ? {} : { env: { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0' } }),
        ...(variant.server === 'bench' ? {} : { address: servers[variant.server].address }),
      });
      try {
        cells.push(
          await runCell(variant.server === 'bench' ? ctx.client : clients[variant.server], lab, variant, worker.taskQueue),
        );
      } finally {
        await worker.stop();
      }
      ctx.log(`overhead: ${variant.label}: median overhead ${ms(summarize(cells.at(-1)!.deployments.map(overheadOf)).median)}`);
    }
    // The floor: the same shapes as these variants' deployments, bare, each on its variant's server.
    for (const key of FLOOR_OF) {
      const cell = cells.find((c) => c.key === key)!;
      const elsewhere = cell.server === 'bench' ? undefined : cell.server;
      const floorWorker = await ctx.startWorker(`overhead-floor-${key}`, lab, {
        floor: true,
        ...(elsewhere ? { address: servers[elsewhere].address } : {}),
      });
      try {
        const client = elsewhere ? clients[elsewhere] : ctx.client;
        floors.push(await runFloorCell(client, floorWorker.taskQueue, key, cell.deployments[0]!.shape, cell.n));
      } finally {
        await floorWorker.stop();
      }
      ctx.log(
        `overhead: floor in the shape of ${cell.label}: median ${ms(summarize(floors.at(-1)!.runs.map((r) => r.wallMs)).median)}`,
      );
    }
  } finally {
    await lab.close();
    await Promise.all(connections.map((c) => c.close()));
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
  return report(cells, floors);
}

/** The variants whose deployments the floor is run in the shape of. */
const FLOOR_OF = ['lean', 'lean-sync', 'fast-transfer'] as const;

async function runFloorCell(client: Client, taskQueue: string, key: string, shape: FloorShape, n: number): Promise<FloorCell> {
  const runs: FloorRun[] = [];
  const loadAtStart = loadavg()[0]!;
  // As the deployments: the first warms the worker and is not counted.
  for (let i = 0; i <= n; i++) {
    const run = await runFloor(client, taskQueue, shape);
    if (i > 0) runs.push(run);
  }
  return { key, shape, runs, loadAtStart };
}

async function runCell(client: Client, lab: Lab, variant: Variant, taskQueue: string): Promise<Cell> {
  const cell: Cell = { ...variant, deployments: [], loadAtStart: loadavg()[0]! };
  // The first deployment warms the worker (workflow cache, connections) and is not counted.
  for (let i = 0; i <= variant.n; i++) {
    const plan = planFrom(lab.exampleConfig(`ovh-${variant.key}`), { ...LEAN, sync: { enabled: variant.sync, redeploy: true } });
    const done = await deployAndWait(client, lab, plan, taskQueue);
    if (done.status.outcome !== 'SUCCEEDED')
      throw new Error(`overhead: ${plan.deploymentId} ended ${done.status.outcome}: ${done.status.error}`);
    if (i === 0) continue;
    const events = (await done.handle.fetchHistory()).events ?? [];
    cell.deployments.push({ ...done, history: breakdown(events), shape: shapeOf(events) });
  }
  return cell;
}
