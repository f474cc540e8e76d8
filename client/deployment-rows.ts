// One row per deployment for `list` and `history`: what visibility says (service, phase,
// target, outcome) completed by the deployment's own status (SHA, who, both colors), read from
// its result when it ended, or by the status query (bounded) while it runs.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { statusQuery, WORKFLOW_TYPE, workflowIdFor } from '../contract/messages.js';
import { BlueGreenOutcome, BlueGreenPhase, BlueGreenService, BlueGreenTargetColor } from '../contract/search-attributes.js';
import type { Color, DeploymentStatus, Outcome } from '../contract/types.js';
import { notFound } from './errors.js';
import { liveColor, liveColorOfOutcome } from '../views/live-color.js';
import { currentShape } from './status-shape.js';
import { finalStatus } from './final-status.js';

export interface DeploymentRow {
  workflowId: string;
  runId: string;
  service: string;
  deploymentId?: string;
  /** Temporal's execution status: RUNNING, COMPLETED, TERMINATED… */
  status: string;
  phase: string;
  /** '' while it runs (or when it has no final status). */
  outcome: Outcome | '';
  /** The phase that failed, for a FAILED deployment. */
  failedPhase?: string;
  activeColor?: Color;
  targetColor: Color | '';
  /** The color taking traffic now, as far as this deployment tells (a rollback's is its active color). */
  liveColor?: Color;
  sha?: string;
  /** Who started it: the GitHub login when GitHub recorded it, else the name the CLI was given. */
  by?: string;
  byVerified?: boolean;
  startTime: string;
  closeTime?: string;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface RowQuery {
  service?: string;
  running?: boolean;
  /** Only deployments that ended with a final status (history). */
  completed?: boolean;
  limit: number;
}

/** How long a running deployment's worker gets to answer; a row without its status beats a stuck list. */
const ROW_QUERY_MS = 3_000;
/** Results read at once (each is a history fetch). */
const PARALLEL_READS = 8;

/** A row and the status it was completed from (absent when none could be read). */
export interface DeploymentEntry {
  row: DeploymentRow;
  status?: DeploymentStatus;
}

export async function readDeployments(client: Client, query: RowQuery): Promise<DeploymentEntry[]> {
  const clauses = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`];
  if (query.running) clauses.push(`ExecutionStatus = 'Running'`);
  // A deployment that did not succeed ends Failed (contract/outcome-failure.ts): finished is either.
  if (query.completed) clauses.push(`(ExecutionStatus = 'Completed' OR ExecutionStatus = 'Failed')`);
  if (query.service) clauses.push(`${BlueGreenService.name} = ${quote(query.service)}`);
  const found: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(query.limit, 100) })) {
    found.push(wf);
    if (found.length >= query.limit) break;
  }
  const entries: DeploymentEntry[] = [];
  for (let i = 0; i < found.length; i += PARALLEL_READS) {
    entries.push(...(await Promise.all(found.slice(i, i + PARALLEL_READS).map((wf) => entryOf(client, wf)))));
  }
  return entries;
}

/** A service none of whose deployments Temporal knows is "not found" (exit 2), for every command alike. */
export async function assertServiceKnown(client: Client, service: string): Promise<void> {
  try {
    await client.workflow.getHandle(workflowIdFor(service)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(service);
    throw err;
  }
}

async function entryOf(client: Client, wf: WorkflowExecutionInfo): Promise<DeploymentEntry> {
  const attrs = wf.typedSearchAttributes;
  const base: DeploymentRow = {
    workflowId: wf.workflowId,
    runId: wf.runId,
    service: attrs.get(BlueGreenService) ?? wf.workflowId.replace(/^bluegreen-/, ''),
    status: wf.status.name,
    phase: attrs.get(BlueGreenPhase) ?? '',
    outcome: (attrs.get(BlueGreenOutcome) as Outcome | undefined) ?? '',
    targetColor: (attrs.get(BlueGreenTargetColor) as Color | undefined) ?? '',
    startTime: wf.startTime.toISOString(),
    ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
  };
  const status = await statusOf(client, wf);
  if (!status) {
    const live = liveColorOfOutcome(base.outcome || undefined, base.targetColor || undefined);
    return { row: live ? { ...base, liveColor: live } : base };
  }
  const live = liveColor(status);
  const failed = status.outcome === 'FAILED' ? status.phases.find((p) => p.state === 'failed')?.name : undefined;
  const row: DeploymentRow = {
    ...base,
    deploymentId: status.deploymentId,
    ...(status.outcome ? { outcome: status.outcome } : {}),
    ...(failed ? { failedPhase: failed } : {}),
    ...(status.activeColor ? { activeColor: status.activeColor } : {}),
    ...(status.targetColor ? { targetColor: status.targetColor } : {}),
    ...(live ? { liveColor: live } : {}),
    ...(status.sha ? { sha: status.sha } : {}),
    by: status.deployer?.login ?? status.requestedBy,
    byVerified: status.deployer !== undefined,
  };
  return { row, status };
}

/** The final status (no worker needed), the live one within a few seconds, or nothing. */
async function statusOf(client: Client, wf: WorkflowExecutionInfo): Promise<DeploymentStatus | undefined> {
  const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
  try {
    // FAILED: an unsuccessful outcome carries its status in the failure (client/final-status.ts).
    if (wf.status.name === 'COMPLETED' || wf.status.name === 'FAILED')
      return currentShape((await finalStatus(handle)) as DeploymentStatus);
    if (wf.status.name === 'RUNNING')
      return currentShape(await client.withDeadline(Date.now() + ROW_QUERY_MS, () => handle.query(statusQuery)));
  } catch {
    // A row still says what visibility knows; the status of one deployment must not fail the list.
  }
  return undefined;
}
