// Runs the bench floor (./workflows.ts) on a floor worker's task queue and measures it as the
// sections measure a deployment: client start request → result, and its history's breakdown.
import type { Client } from '@temporalio/client';
import { breakdown, type HistoryBreakdown } from '../support/history.js';
import type { FloorShape } from './shape.js';
import { finalStatus } from '../../client/final-status.js';

export interface FloorRun {
  wallMs: number;
  history: HistoryBreakdown;
}

let count = 0;

/** Starts one floor workflow of `shape`; resolves with its measures once it has ended. */
export async function runFloor(client: Client, taskQueue: string, shape: FloorShape): Promise<FloorRun> {
  const started = Date.now();
  const handle = await client.workflow.start('floorWorkflow', {
    taskQueue,
    workflowId: `floor-${process.pid}-${Date.now()}-${++count}`,
    args: [shape],
  });
  await finalStatus(handle);
  const wallMs = Date.now() - started;
  return { wallMs, history: breakdown((await handle.fetchHistory()).events ?? []) };
}

export interface FloorRound {
  n: number;
  wallMs: number;
  /** Per workflow: client start request → result. */
  latencies: number[];
}

/** `n` floor workflows started at once (25 start requests at a time, as section 6 starts deployments). */
export async function runFloorRound(client: Client, taskQueue: string, shape: FloorShape, n: number): Promise<FloorRound> {
  const started = Date.now();
  const latencies: Array<Promise<number>> = [];
  let left = n;
  await Promise.all(
    Array.from({ length: Math.min(25, n) }, async () => {
      for (; left > 0; left--) {
        const startedAt = Date.now();
        const handle = await client.workflow.start('floorWorkflow', {
          taskQueue,
          workflowId: `floor-${process.pid}-${Date.now()}-${++count}`,
          args: [shape],
        });
        latencies.push(finalStatus(handle).then(() => Date.now() - startedAt));
      }
    }),
  );
  const all = await Promise.all(latencies);
  return { n, wallMs: Date.now() - started, latencies: all };
}
