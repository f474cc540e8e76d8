// `bluegreen train status`: the train and every service in one view, each service's phase,
// colors and SHA read from its own deployment (the train knows only what its services reported),
// and the train's own notifications as `bluegreen status` shows a deployment's.
import type { Client } from '@temporalio/client';
import { statusQuery } from '../contract/messages.js';
import { shortSha } from '../contract/format.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import { trainWorkflowIdFor, type TrainStatus } from '../contract/train.js';
import type { DeploymentStatus } from '../contract/types.js';
import { finalStatus } from './final-status.js';
import { notificationLines } from './render.js';
import { inertDeep } from '../contract/sanitize.js';

export interface TrainView {
  train: TrainStatus;
  /** Each service's own status, by service, when it could be read. */
  services: Record<string, DeploymentStatus>;
}

const QUERY_TIMEOUT_MS = 10_000;

/** The train's status: its query, or (finished, no worker answering) the status its end carries. */
export async function readTrainStatus(client: Client, name: string): Promise<TrainStatus> {
  const handle = client.workflow.getHandle(trainWorkflowIdFor(name));
  try {
    return await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(trainStatusQuery));
  } catch (err) {
    const described = await handle.describe();
    if (described.status.name === 'RUNNING') throw err;
    return (await finalStatus(handle)) as unknown as TrainStatus;
  }
}

export async function readTrainView(client: Client, name: string): Promise<TrainView> {
  const train = await readTrainStatus(client, name);
  const services: Record<string, DeploymentStatus> = {};
  await Promise.all(
    train.services.map(async (s) => {
      if (!s.runId) return;
      const handle = client.workflow.getHandle(s.workflowId, s.runId);
      const status = await client
        .withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(statusQuery))
        .catch(() => undefined);
      if (status) services[s.service] = status as DeploymentStatus;
    }),
  );
  return { train, services };
}

/** The view in words: the train's phase or outcome, what it waits for, then one line per service. */
export function renderTrainView({ train, services }: TrainView): string {
  const head = train.outcome
    ? `release train ${train.train}: ${train.outcome}${train.error ? `: ${train.error}` : ''}`
    : `release train ${train.train}: ${train.phase}`;
  const rows = train.services.map((s) => {
    const own = services[s.service];
    const active = own?.activeColor ?? s.activeColor;
    const target = own?.targetColor ?? s.targetColor;
    const sha = own?.sha ?? s.sha;
    return [
      String(s.level + 1),
      s.service,
      s.state,
      own ? (own.outcome ? `done (${own.outcome})` : own.phase) : (s.outcome ?? '-'),
      active && target ? `${active} → ${target}` : '-',
      sha ? shortSha(sha) : '-',
      s.after.join(', ') || '-',
    ];
  });
  const header = ['level', 'service', 'train state', 'phase', 'colors', 'SHA', 'after'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    head,
    ...(train.waitingFor ? [`waiting for: ${train.waitingFor}`] : []),
    '',
    line(header),
    ...rows.map(line),
    ...(train.approvals.length > 0
      ? ['', ...train.approvals.map((a) => `${a.decision} by ${a.by}${a.counted ? '' : ` (not counted: ${a.note ?? ''})`}`)]
      : []),
    ...notificationLines(inertDeep(train.notifications), 'the train'),
    ...(train.notes ?? []).map((n) => `note: ${n}`),
  ].join('\n');
}
