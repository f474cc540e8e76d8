// Starts one deployment workflow. At most one runs per service: the workflow id is
// `bluegreen-<service>`, and a busy service is refused with the running deployment named.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import { DEFAULT_TASK_QUEUE, statusQuery, WORKFLOW_TYPE, workflowIdFor } from '../contract/messages.js';
import { searchAttribute } from '../contract/search-attributes.js';
import type { Color, DeploymentPlan } from '../contract/types.js';
import { formatDuration, shortSha } from '../contract/format.js';
import { bluegreenCommand } from '../contract/commands.js';
import { needingSearchAttributes } from './temporal-refusals.js';

export class DeploymentBusyError extends Error {
  constructor(
    readonly workflowId: string,
    readonly runningDeploymentId: string | undefined,
    readonly runningPhase: string | undefined,
  ) {
    super(
      `a deployment of this service is already running: ${runningDeploymentId ?? workflowId}` +
        `${runningPhase ? ` (phase ${runningPhase})` : ''} — watch it with \`${bluegreenCommand('status', workflowId.replace(/^bluegreen-/, ''), '--watch')}\`` +
        ' or abort it before starting another',
    );
    this.name = 'DeploymentBusyError';
  }
}

export interface StartOptions {
  taskQueue?: string;
  /** Shown as the workflow's summary in the Web UI, e.g. "api: deploy 1a2b3c4 to green, by alice". */
  summaryHint?: { activeColor?: string; sha?: string };
}

export async function startDeployment(
  client: Client,
  plan: DeploymentPlan,
  options: StartOptions = {},
): Promise<WorkflowHandle<typeof blueGreenDeployment>> {
  const workflowId = workflowIdFor(plan.service);
  const target =
    plan.requestedColor ??
    (options.summaryHint?.activeColor === 'blue' ? 'green' : options.summaryHint?.activeColor === 'green' ? 'blue' : undefined);
  const summary = attemptedSummary(plan, target, options.summaryHint?.sha);
  try {
    return await needingSearchAttributes(client, () =>
      client.workflow.start<typeof blueGreenDeployment>(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
        args: [plan],
        // A finished deployment's id may be reused; a running one may not.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          searchAttribute.service(plan.service),
          searchAttribute.phase('plan'),
          ...(target ? [searchAttribute.targetColor(target)] : []),
        ],
        // Said once at the start, so it says what was attempted; the memo says what happened.
        staticSummary: summary,
        memo: { service: plan.service, attempted: summary, deploymentId: plan.deploymentId, requestedBy: plan.requestedBy },
        staticDetails: staticDetails(plan),
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const running = await client.workflow
      .getHandle(workflowId)
      .query(statusQuery)
      .catch(() => undefined);
    throw new DeploymentBusyError(workflowId, running?.deploymentId, running?.phase);
  }
}

/**
 * What this deployment attempts, in one line: "api: deploy 1a2b3c4 to green, by alice". The
 * commit is the one read here when GitHub could be asked, else the target's branch head, which
 * the plan phase reads (and the final memo carries).
 */
export function attemptedSummary(plan: DeploymentPlan, target: string | undefined, sha: string | undefined): string {
  const verb = plan.revert ? 'revert' : 'deploy';
  const what = sha ? shortSha(sha) : target ? `the head of ${plan.environments[target as Color].branch}` : 'the inactive color';
  return `${plan.service}: ${verb} ${what}${target ? ` to ${target}` : ''}, by ${plan.requestedBy}`;
}

/** The Web UI's static details (Markdown): what this deployment is, who may approve, how to follow it. */
function staticDetails(plan: DeploymentPlan): string {
  const approval = plan.approval.required ? `QA approval by ${plan.approval.approvers.join(', ') || 'anyone'}` : 'no QA approval';
  return [
    `Deployment ${plan.deploymentId} of ${plan.github.owner}/${plan.github.repo}, started by ${plan.requestedBy}.`,
    `Public endpoint ${plan.publicUrl}${plan.colorPath}; ${approval}; monitored for ${formatDuration(plan.monitor.durationMs)} after the switch.`,
    `Follow it: \`${bluegreenCommand('status', plan.service, '--watch')}\``,
  ].join('  \n');
}
