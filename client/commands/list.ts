// `bluegreen list [--running] [--service S]` and `bluegreen history <service>`: tables whose
// columns fit their content, times relative on a terminal (ISO when piped, and in JSON), the
// color that takes traffic (a rollback's is back on its active color), the SHA and who.
import { bluegreenCommand } from '../../contract/commands.js';
import { formatDuration, shortSha } from '../../contract/format.js';
import { inertText } from '../../contract/sanitize.js';
import type { Outcome } from '../../contract/types.js';
import { assertServiceKnown, readDeployments, type DeploymentRow } from '../deployment-rows.js';
import { badInput, EXIT } from '../errors.js';
import { outputFormat, printJsonList, type OutputFlags } from '../output-format.js';
import { tableTime } from '../relative-time.js';
import { renderTable, type Column } from '../table.js';
import { connectCli, type ConnectionFlags } from '../temporal-client.js';
import { needingSearchAttributes } from '../temporal-refusals.js';

export interface ListOptions extends OutputFlags, ConnectionFlags {
  running?: boolean;
  service?: string;
  limit: number;
}

export interface TableOptions {
  /** On a terminal: relative times ("3 min ago"); else ISO times. */
  tty: boolean;
  /** ANSI colors for the outcome. @default tty */
  color?: boolean;
  now?: number;
}

const terminal = (): TableOptions => {
  const tty = process.stdout.isTTY === true;
  return { tty, color: tty && !process.env['NO_COLOR'] };
};

export async function list(options: ListOptions): Promise<number> {
  const format = outputFormat(options);
  const cli = await connectCli(options);
  try {
    const rows = (
      await needingSearchAttributes(cli.client, () =>
        readDeployments(cli.client, {
          limit: options.limit,
          ...(options.running ? { running: true } : {}),
          ...(options.service ? { service: options.service } : {}),
        }),
      )
    ).map((e) => e.row);
    if (rows.length === 0 && options.service && !options.running) await assertServiceKnown(cli.client, options.service);
    if (format !== 'text') printJsonList(rows.map(jsonRow), format);
    else if (rows.length === 0) console.log(options.running ? 'no running deployments' : 'no deployments found');
    else console.log(listTable(rows, terminal()).join('\n'));
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}

export interface HistoryOptions extends OutputFlags, ConnectionFlags {
  limit: number;
}

export async function history(service: string, options: HistoryOptions): Promise<number> {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 500)
    throw badInput('--limit must be a whole number from 1 to 500');
  const format = outputFormat(options);
  const cli = await connectCli(options);
  try {
    const entries = await needingSearchAttributes(cli.client, () =>
      readDeployments(cli.client, { service, completed: true, limit: options.limit }),
    );
    const rows = entries.map((e) => e.row);
    if (rows.length === 0) await assertServiceKnown(cli.client, service);
    // JSON: the final statuses themselves (ISO times), as `status --json` prints them.
    if (format !== 'text')
      printJsonList(
        entries.flatMap((e) => (e.status ? [e.status] : [])),
        format,
      );
    else if (rows.length === 0) {
      console.log(`no finished deployments of ${service} yet (one is running: ${bluegreenCommand('status', service)})`);
    } else console.log(historyTable(rows, terminal()).join('\n'));
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}

/** A row as JSON: every field as read (ISO times), names cleaned of control characters. */
function jsonRow(r: DeploymentRow): DeploymentRow {
  return { ...r, ...(r.by !== undefined ? { by: inertText(r.by, 200) } : {}) };
}

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
const OUTCOME_COLOR: Record<Outcome, string> = { SUCCEEDED: '32', FAILED: '31', ROLLED_BACK: '33', ABORTED: '33' };

/** SUCCEEDED, ROLLED_BACK, FAILED in deploy; running: approval; terminated (by hand in Temporal). */
function stateCell(r: DeploymentRow, tty: boolean): string {
  if (r.outcome) {
    const text = r.failedPhase ? `${r.outcome} in ${r.failedPhase}` : r.outcome;
    return paint(tty, OUTCOME_COLOR[r.outcome], text);
  }
  if (r.status === 'RUNNING') return `running: ${r.phase || '?'}`;
  return r.status.toLowerCase().replace(/_/g, ' ');
}

const byCell = (r: DeploymentRow) => (r.by === undefined ? '-' : `${r.byVerified ? '@' : ''}${inertText(r.by, 200)}`);
const routeCell = (r: DeploymentRow) =>
  r.activeColor && r.targetColor ? `${r.activeColor} → ${r.targetColor}` : r.targetColor ? `→ ${r.targetColor}` : '-';
const liveCell = (r: DeploymentRow) => r.liveColor ?? (r.status === 'RUNNING' ? 'moving' : '?');
const tookCell = (r: DeploymentRow, now: number) =>
  formatDuration(Math.max(0, (r.closeTime ? Date.parse(r.closeTime) : now) - Date.parse(r.startTime)));

export function listTable(rows: DeploymentRow[], options: TableOptions): string[] {
  const now = options.now ?? Date.now();
  const columns: Column<DeploymentRow>[] = [
    { header: 'SERVICE', cell: (r) => inertText(r.service, 200) },
    { header: 'STATE', cell: (r) => stateCell(r, options.color ?? options.tty) },
    { header: 'LIVE', cell: liveCell },
    { header: 'ROUTE', cell: routeCell },
    { header: 'SHA', cell: (r) => (r.sha ? shortSha(r.sha) : '-') },
    { header: 'BY', cell: byCell },
    { header: 'STARTED', cell: (r) => tableTime(r.startTime, options.tty, now) },
    { header: 'TOOK', cell: (r) => tookCell(r, now), align: 'right' },
  ];
  return renderTable(columns, rows);
}

export function historyTable(rows: DeploymentRow[], options: TableOptions): string[] {
  const now = options.now ?? Date.now();
  const columns: Column<DeploymentRow>[] = [
    { header: 'STARTED', cell: (r) => tableTime(r.startTime, options.tty, now) },
    { header: 'BY', cell: byCell },
    { header: 'ROUTE', cell: routeCell },
    { header: 'LIVE', cell: liveCell },
    { header: 'SHA', cell: (r) => (r.sha ? shortSha(r.sha) : '-') },
    { header: 'OUTCOME', cell: (r) => stateCell(r, options.color ?? options.tty) },
    { header: 'TOOK', cell: (r) => tookCell(r, now), align: 'right' },
    { header: 'DEPLOYMENT', cell: (r) => inertText(r.deploymentId ?? r.runId, 200) },
  ];
  return renderTable(columns, rows);
}
