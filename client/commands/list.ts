// `bluegreen list [--running] [--service S] [--json]` and `bluegreen history <service>`: from
// Temporal's visibility store, filtered by the search attributes the workflow keeps current.
import type { Client } from '@temporalio/client';
import { formatDuration, shortSha } from '../../contract/format.js';
import { WORKFLOW_TYPE } from '../../contract/messages.js';
import { BlueGreenOutcome, BlueGreenPhase, BlueGreenService, BlueGreenTargetColor } from '../../contract/search-attributes.js';
import type { DeploymentStatus } from '../../contract/types.js';
import { badInput, EXIT } from '../errors.js';
import { connectCli } from '../temporal-client.js';
import { needingSearchAttributes } from '../temporal-refusals.js';

const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;

export async function list(options: { running?: boolean; service?: string; json?: boolean; limit: number }): Promise<number> {
  const clauses = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`];
  if (options.running) clauses.push(`ExecutionStatus = 'Running'`);
  if (options.service) clauses.push(`${BlueGreenService.name} = ${quote(options.service)}`);
  const cli = await connectCli();
  try {
    const rows = await needingSearchAttributes(cli.client, async () => {
      const found = [];
      for await (const wf of cli.client.workflow.list({ query: clauses.join(' AND '), pageSize: 100 })) {
        found.push({
          workflowId: wf.workflowId,
          service: wf.typedSearchAttributes.get(BlueGreenService) ?? wf.workflowId.replace(/^bluegreen-/, ''),
          status: wf.status.name,
          phase: wf.typedSearchAttributes.get(BlueGreenPhase) ?? '',
          targetColor: wf.typedSearchAttributes.get(BlueGreenTargetColor) ?? '',
          outcome: wf.typedSearchAttributes.get(BlueGreenOutcome) ?? '',
          startTime: wf.startTime.toISOString(),
          ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
        });
        if (found.length >= options.limit) break;
      }
      return found;
    });
    if (options.json) console.log(JSON.stringify(rows));
    else if (rows.length === 0) console.log('no deployments found');
    else {
      console.log(
        ['SERVICE', 'STATUS', 'PHASE', 'TARGET', 'OUTCOME', 'STARTED'].map((h, i) => h.padEnd(i === 0 ? 24 : 12)).join(''),
      );
      for (const r of rows) {
        console.log(
          [
            r.service.padEnd(24),
            r.status.padEnd(12),
            r.phase.padEnd(12),
            r.targetColor.padEnd(12),
            (r.outcome || '-').padEnd(12),
            r.startTime,
          ].join(''),
        );
      }
    }
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}

export async function history(service: string, options: { limit: number; json?: boolean }): Promise<number> {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 500)
    throw badInput('--limit must be a whole number from 1 to 500');
  const cli = await connectCli();
  try {
    const deployments = await needingSearchAttributes(cli.client, () => pastDeployments(cli.client, service, options.limit));
    if (options.json) console.log(JSON.stringify(deployments));
    else if (deployments.length === 0) console.log(`no finished deployments of ${service}`);
    else {
      console.log(
        [
          'STARTED (UTC)'.padEnd(21),
          'BY'.padEnd(13),
          'ROUTE'.padEnd(15),
          'SHA'.padEnd(9),
          'OUTCOME'.padEnd(12),
          'TOOK'.padStart(8),
          '  DEPLOYMENT',
        ].join(''),
      );
      for (const d of deployments) {
        const took = d.endedAt ? formatDuration(Date.parse(d.endedAt) - Date.parse(d.startedAt)) : '?';
        console.log(
          [
            d.startedAt.slice(0, 19).replace('T', ' ').padEnd(21),
            d.requestedBy.slice(0, 12).padEnd(13),
            `${d.activeColor ?? '?'} → ${d.targetColor ?? '?'}`.padEnd(15),
            shortSha(d.sha).padEnd(9),
            (d.outcome ?? '').padEnd(12),
            took.padStart(8),
            `  ${d.deploymentId}`,
          ].join(''),
        );
      }
    }
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}

async function pastDeployments(client: Client, service: string, limit: number): Promise<DeploymentStatus[]> {
  const query = `WorkflowType = ${quote(WORKFLOW_TYPE)} AND ${BlueGreenService.name} = ${quote(service)} AND ExecutionStatus = 'Completed'`;
  const found: DeploymentStatus[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: limit })) {
    // The result is the final status; reading it needs the history, not a worker.
    const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
    found.push((await handle.result()) as DeploymentStatus);
    if (found.length >= limit) break;
  }
  return found;
}
