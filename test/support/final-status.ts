// The one way tests read a finished deployment's status: it completed (SUCCEEDED) or failed
// carrying its status (FAILED, ROLLED_BACK, ABORTED); see client/final-status.ts.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { finalStatus } from '../../client/final-status.js';

export { finalStatus };

const EventType = temporal.api.enums.v1.EventType;

/**
 * finalStatus, bounded: a deployment that has not ended within `ms` fails the test with what it
 * is waiting on (pending activities with their attempts and last failures, the newest history
 * events), where a bare test timeout would say only that time ran out. For the fault tests,
 * whose waits cross killed processes.
 */
export async function finalStatusWithin<H extends WorkflowHandle>(
  handle: H,
  ms: number,
): Promise<Awaited<ReturnType<H['result']>>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    const first = await Promise.race([finalStatus(handle), late]);
    if (first !== 'late') return first;
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`${handle.workflowId} had not ended after ${ms} ms\n${await whatItWaitsOn(handle)}`);
}

/** Pending activities and the last 30 history events, one line each, times relative to the start. */
async function whatItWaitsOn(handle: WorkflowHandle): Promise<string> {
  const lines: string[] = [];
  try {
    const described = await handle.describe();
    const start = described.startTime.getTime();
    for (const a of described.raw.pendingActivities ?? []) {
      lines.push(
        `pending ${a.activityType?.name} (id ${a.activityId}): state ${a.state}, attempt ${a.attempt}, ` +
          `last worker ${a.lastWorkerIdentity || '-'}, last failure ${a.lastFailure?.message ?? '-'}`,
      );
    }
    const events = (await handle.fetchHistory()).events ?? [];
    for (const e of events.slice(-30)) {
      const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) - start;
      const activity = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
      const started = e.activityTaskStartedEventAttributes;
      const who = started
        ? `attempt ${started.attempt} on ${started.identity}`
        : (e.workflowTaskStartedEventAttributes?.identity ?? '');
      lines.push(`+${at} ms #${e.eventId} ${EventType[e.eventType ?? 0]} ${activity} ${who}`.trimEnd());
    }
  } catch (err) {
    lines.push(`(could not read the workflow: ${(err as Error).message})`);
  }
  return lines.join('\n');
}
