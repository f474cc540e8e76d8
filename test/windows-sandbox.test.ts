// The calendar of contract/windows.ts inside Temporal's workflow sandbox, on the dev server:
// the sandbox's Intl must know IANA zones and their DST rules exactly as Node does, or a
// deployment would wait for the wrong hour. Same cases, same answers, in and out.
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nextAllowedSwitchTime, type Freeze, type SwitchWindow } from '../contract/windows.js';
import { connectClient, silentLogger, taskQueueFor, temporalAddress } from './support/harness.js';

const office = (timeZone: string): SwitchWindow => ({
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  timeZone,
});
const CASES: Array<{ now: string; windows: SwitchWindow[]; freezes: Freeze[] }> = [
  { now: '2026-03-27T16:00:00Z', windows: [office('Europe/Berlin')], freezes: [] },
  { now: '2026-10-23T15:00:00Z', windows: [office('Europe/Berlin')], freezes: [] },
  { now: '2026-03-06T23:00:00Z', windows: [office('America/New_York')], freezes: [] },
  { now: '2026-04-03T07:00:00Z', windows: [office('Australia/Sydney')], freezes: [] },
  {
    now: '2026-03-28T12:00:00Z',
    windows: [{ days: ['sun'], from: '02:30', to: '04:00', timeZone: 'Europe/Berlin' }],
    freezes: [],
  },
  {
    now: '2026-12-21T10:00:00Z',
    windows: [office('Asia/Kolkata')],
    freezes: [{ from: '2026-12-20T00:00:00Z', until: '2027-01-04T00:00:00Z', reason: 'holidays' }],
  },
];

describe('switch windows in the workflow sandbox', () => {
  it('answer exactly as in Node, DST changes included', async () => {
    const { client, connection } = await connectClient();
    const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    try {
      const taskQueue = taskQueueFor('windows-sandbox');
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: await bundleWorkflowCode({
          workflowsPath: fileURLToPath(new URL('./support/windows-probe-workflow.ts', import.meta.url)),
          logger: silentLogger,
        }),
      });
      const inSandbox = await worker.runUntil(
        client.workflow.execute('windowsProbe', { taskQueue, workflowId: `windows-probe-${Date.now()}`, args: [CASES] }),
      );
      const inNode = CASES.map(({ now, windows, freezes }) => {
        const v = nextAllowedSwitchTime(new Date(now), windows, freezes);
        return { allowedNow: v.allowedNow, ...(v.until ? { until: v.until.toISOString() } : {}), why: v.why };
      });
      expect(inSandbox).toEqual(inNode);
      expect((inSandbox as Array<{ until?: string }>).map((v) => v.until)).toEqual([
        '2026-03-30T07:00:00.000Z',
        '2026-10-26T08:00:00.000Z',
        '2026-03-09T13:00:00.000Z',
        '2026-04-05T23:00:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2027-01-04T03:30:00.000Z',
      ]);
    } finally {
      await nativeConnection.close();
      await connection.close();
    }
  });
});
