// Runs the bench floor (./workflows.ts) on a floor worker's task queue and measures it as the
// sections measure a deployment: client start request → result, and its history's breakdown.
import type { Client } from '@temporalio/client';
import { breakdown, type HistoryBreakdown } from '../support/history.js';
import type { FloorShape } from './shape.js';

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
  await handle.result();
  const wallMs = Date.now() - started;
  return { wallMs, history: breakdown((await handle.fetchHistory()).events ?? []) };
}
