// `bluegreen deploy bluegreen-train.yaml [--dry-run]`: a release train, its services in the
// order they switch (dependency levels).
import { formatDuration, orList, shortSha } from '../../contract/format.js';
import { describeLevels, type TrainPlan } from '../../contract/train.js';
import type { releaseTrain } from '../../workflows/release-train.js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { bluegreenCommand } from '../../contract/commands.js';
import { TRAIN_WORKFLOW_TYPE, trainWorkflowIdFor } from '../../contract/train.js';
import { DEFAULT_TASK_QUEUE } from '../../contract/messages.js';
import { badInput, EXIT, refused } from '../errors.js';
import { connectCli, uiEnv, webUiUrl } from '../temporal-client.js';
import { trainStatus } from './train.js';
import { loadTrainFile, resolveTrainPlan } from '../train-config.js';
import { previewPlan, type Preview } from '../deploy-preview.js';
import { recordDeployerForPlan } from '../github-identity.js';
import type { DeployOptions } from './deploy.js';

export async function deployTrain(path: string, options: DeployOptions): Promise<number> {
  const loaded = await loadTrainFile(path);
  const plan = resolveTrainPlan(loaded, { requestedBy: options.by });
  if (options.color) throw badInput('--color does not apply to a train: each service deploys to its inactive color');
  if (!options.dryRun) return startTrain(await recordDeployers(plan), options);
  const previews = await Promise.all(plan.services.map((s) => previewPlan(s.plan)));
  const byService = new Map(plan.services.map((s, i) => [s.service, previews[i]!]));
  if (options.json) {
    console.log(JSON.stringify({ plan, levels: loaded.levels, previews: Object.fromEntries(byService) }, null, 2));
  } else {
    console.log(describeTrain(plan, loaded.levels, byService));
  }
  return EXIT.SUCCEEDED;
}

/** The dry run's words: the train's rules, then each service by level. */
export function describeTrain(plan: TrainPlan, levels: string[][], previews: ReadonlyMap<string, Preview>): string {
  const { approval } = plan;
  const gate = approval.perService
    ? "each service's own gate"
    : approval.required
      ? `one for the train: ${approval.minApprovals > 1 ? `${approval.minApprovals} of ` : ''}${orList(approval.approvers)} within ${formatDuration(approval.timeoutMs)} (each service's approval rules must allow them too)`
      : "none for the train (a service whose rules require one still asks the train's gate)";
  const lines = [
    'dry run: nothing started',
    `train          ${plan.train} (${plan.services.length} services), by ${plan.requestedBy}`,
    `switch order   ${describeLevels(levels)}`,
    `deploy         each service once those it comes after are verified, all of a level in parallel`,
    `approval       ${gate}`,
    `monitor        ${plan.monitor.durationMs !== undefined ? `every service at least ${formatDuration(plan.monitor.durationMs)} after its switch` : "each service's own window"}; sync only once the whole train is healthy`,
    `rollback       ${plan.rollback.automatic ? 'automatic' : 'on request'}: any failure switches every switched service back, in reverse order`,
  ];
  levels.forEach((level, i) => {
    for (const name of level) {
      const s = plan.services.find((x) => x.service === name)!;
      const p = previews.get(name);
      const target = p?.targetColor;
      const branch = target ? s.plan.environments[target].branch : undefined;
      const what = `${p?.activeColor ?? '?'} → ${target ?? '?'}${branch ? ` (${branch} @ ${p?.sha ? shortSha(p.sha) : 'unknown'})` : ''}`;
      lines.push(`level ${i + 1}        ${name.padEnd(16)} ${what}${s.after.length > 0 ? `, after ${s.after.join(', ')}` : ''}`);
      for (const note of p?.notes ?? []) lines.push(`               note: ${note}`);
    }
  });
  return lines.join('\n');
}

/** Approval via GitHub: each such service's deployment is recorded as the operator, so GitHub says who deploys (as for one service). */
async function recordDeployers(plan: TrainPlan): Promise<TrainPlan> {
  const services = await Promise.all(
    plan.services.map(async (s) => {
      if (!(s.plan.approval.via ?? []).includes('github') || !s.plan.approval.gate) return s;
      const preview = await previewPlan(s.plan);
      return { ...s, plan: await recordDeployerForPlan(s.plan, preview.targetColor, preview.sha) };
    }),
  );
  return { ...plan, services };
}

/** Starts the train's parent workflow (at most one per train name); --wait follows it to its end. */
async function startTrain(plan: TrainPlan, options: DeployOptions): Promise<number> {
  const cli = await connectCli(options);
  const workflowId = trainWorkflowIdFor(plan.train);
  try {
    await cli.client.workflow
      .start<typeof releaseTrain>(TRAIN_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
        args: [plan],
        workflowIdConflictPolicy: 'FAIL',
        staticSummary: `release train ${plan.train}: ${plan.services.map((s) => s.service).join(', ')}, by ${plan.requestedBy}`,
      })
      .catch((err: unknown) => {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw refused(
            `release train ${plan.train} is already running (${workflowId}): follow it with \`${bluegreenCommand('train', 'status', plan.train, '--watch')}\``,
          );
        }
        throw err;
      });
    const ui = webUiUrl(cli.address, cli.namespace, workflowId, uiEnv(options));
    if (options.json) console.log(JSON.stringify({ workflowId, trainId: plan.trainId, webUi: ui }));
    else {
      console.log(`started release train ${plan.train} (${plan.trainId}, workflow ${workflowId})`);
      console.log(`follow it:  ${bluegreenCommand('train', 'status', plan.train, '--watch')}\nWeb UI:     ${ui}`);
    }
  } finally {
    await cli.close();
  }
  if (!options.wait) return EXIT.RUNNING;
  return trainStatus(plan.train, { ...options, watch: true, json: options.json === true });
}
