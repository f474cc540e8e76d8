// Waiting for the switch phase to say something (a step, its pause), through the status query.
// Each query is bounded: a query sent while the worker that holds the workflow dies would
// otherwise hold expect.poll past its own timeout (its last attempt awaits the callback).
import { expect } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery } from '../../contract/messages.js';

const QUERY_MS = 5_000;

async function switchDetail(handle: WorkflowHandle): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('(no answer to the status query)'), QUERY_MS)));
  try {
    const status = handle.query(statusQuery).then((s) => s.phases.find((p) => p.name === 'switch')?.detail ?? '');
    return await Promise.race([status, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls the switch phase's detail every 50 ms until it matches `pattern` (at most `timeoutMs`). */
export async function waitForSwitchDetail(handle: WorkflowHandle, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  await expect.poll(() => switchDetail(handle), { timeout: timeoutMs, interval: 50 }).toMatch(pattern);
}
