// `bluegreen deploy -c bluegreen.yaml [--color green] [--wait] [--dry-run] [--no-preflight]`: the
// preflight (`bluegreen doctor`'s checks) runs before anything starts, and a ✗ refuses the deploy.
import { formatDuration, orList, shortSha } from '../../contract/format.js';
import { describeWindow } from '../../contract/windows.js';
import { DEFAULT_TASK_QUEUE, workflowIdFor } from '../../contract/messages.js';
import { otherColor, type Color, type DeploymentPlan } from '../../contract/types.js';
import { switchOf } from '../../switches/client.js';
import { describeMetricSource } from '../metric-sources.js';
import { loadConfigFile } from '../config.js';
import { configPath } from './config-path.js';
import { EXIT, ExitError, exitCodeForOutcome, refused } from '../errors.js';
import { recordDeployerForPlan } from '../github-identity.js';
import { resolvePlan } from '../plan.js';
import { isTrainFile } from '../train-config.js';
import { preflightExitCode, preflightPassed, preflightRefusal, runPreflight } from '../preflight/run.js';
import { DeploymentBusyError, startDeployment } from '../start-deployment.js';
import { connectCli, uiEnv, webUiUrl, type ConnectionFlags } from '../temporal-client.js';
import { watchDeployment } from '../watch.js';
import { previewPlan, type Preview } from '../deploy-preview.js';

export interface DeployOptions extends ConnectionFlags {
  /** @default 'bluegreen.yaml' in the current directory */
  config?: string;
  color?: Color;
  wait?: boolean;
  dryRun?: boolean;
  json?: boolean;
  by: string;
  taskQueue?: string;
  /** Base of the Web UI links (`--ui-url`). */
  uiUrl?: string;
  /** Run `bluegreen doctor`'s checks before starting anything (`--no-preflight`: false). @default true */
  preflight?: boolean;
}

export async function deploy(options: DeployOptions): Promise<number> {
  const path = configPath(options.config);
  if (await isTrainFile(path)) return (await import('./train-deploy.js')).deployTrain(path, options);
  const config = await loadConfigFile(path);
  let plan = resolvePlan(config, { requestedBy: options.by, ...(options.color ? { color: options.color } : {}) });
  // What can be known before starting, read while the preflight runs: neither waits for the other.
  const previewing = previewPlan(plan);
  if (options.dryRun) {
    const preview = await previewing;
    refuseActiveColor(plan, preview);
    console.log(options.json ? JSON.stringify({ plan, ...preview }, null, 2) : describePlan(plan, preview));
    return EXIT.SUCCEEDED;
  }
  // Reaching Temporal (and its namespace) is the first check: without it nothing else matters,
  // and the sentence is the one every command gives.
  const cli = await connectCli(options).catch(async (err: unknown) => {
    refuseActiveColor(plan, await previewing);
    throw err;
  });
  try {
    const [preview, checks] = await Promise.all([
      previewing,
      options.preflight === false
        ? []
        : runPreflight(plan, { connected: cli, ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}) }),
    ]);
    refuseActiveColor(plan, preview);
    if (!preflightPassed(checks)) throw new ExitError(preflightRefusal(plan.service, checks), preflightExitCode(checks));
    // Approval via GitHub: the deployment record is created as the operator, so GitHub says who deploys.
    plan = await recordDeployerForPlan(plan, preview.targetColor, preview.sha);
    const handle = await startDeployment(cli.client, plan, {
      ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
      summaryHint: {
        ...(preview.activeColor ? { activeColor: preview.activeColor } : {}),
        ...(preview.sha ? { sha: preview.sha } : {}),
      },
    }).catch((err: unknown) => {
      if (err instanceof DeploymentBusyError) throw refused(`${plan.service}: ${err.message}`);
      throw err;
    });
    const ui = webUiUrl(cli.address, cli.namespace, workflowIdFor(plan.service), uiEnv(options));
    if (options.json && !options.wait) {
      console.log(JSON.stringify({ workflowId: handle.workflowId, deploymentId: plan.deploymentId, webUi: ui }));
    } else if (!options.json) {
      console.log(`started ${plan.deploymentId} (workflow ${handle.workflowId})`);
      if (!options.wait) console.log(`follow it:  bluegreen status ${plan.service} --watch\nWeb UI:     ${ui}`);
    }
    if (!options.wait) return EXIT.RUNNING;
    const final = await watchDeployment(handle, {
      json: options.json === true,
      footer: [`Web UI: ${ui}`],
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    });
    return exitCodeForOutcome(final.outcome ?? 'FAILED');
  } finally {
    await cli.close();
  }
}

/** One line per named metric: where its number comes from (its source's words) and which phases judge it. */
function metricLines(plan: DeploymentPlan): string[] {
  const phases = (['verify', 'monitor'] as const).flatMap((phase) =>
    (plan.analysis?.[phase]?.metrics ?? []).map((metric) => ({ phase, metric })),
  );
  const names = [...new Set(phases.map((p) => p.metric.name))];
  return names.map((name) => {
    const uses = phases.filter((p) => p.metric.name === name);
    return `metric         ${name} (${uses.map((u) => u.phase).join(', ')}): ${describeMetricSource(uses[0]!.metric.source)}`;
  });
}

/** Deploying to the color that takes the traffic is refused, whatever else is wrong. */
function refuseActiveColor(plan: DeploymentPlan, preview: Preview): void {
  if (preview.activeColor && plan.requestedColor === preview.activeColor)
    throw refused(
      `${plan.requestedColor} is the active color of ${plan.service}: deploy to ${otherColor(preview.activeColor)} instead`,
    );
}

function describePlan(plan: DeploymentPlan, preview: Preview): string {
  const target = preview.targetColor;
  const env = target ? plan.environments[target] : undefined;
  const sw = plan.switch;
  const lines = [
    `dry run: nothing started`,
    `service        ${plan.service} (${plan.github.owner}/${plan.github.repo})`,
    `active color   ${preview.activeColor ?? 'unknown'}  (${plan.publicUrl}${plan.colorPath})`,
    `target color   ${target ?? 'the inactive one'}`,
    env ? `branch         ${env.branch} @ ${preview.sha ? shortSha(preview.sha) : 'unknown'}` : '',
    env
      ? `deploy         dispatch ${env.deployWorkflow} on ${env.branch}, wait up to ${formatDuration(plan.deploy.runTimeoutMs)}`
      : '',
    `verify         ${plan.verify.healthPath} ${plan.verify.successes}× in a row, every ${formatDuration(plan.verify.intervalMs)}, up to ${formatDuration(plan.verify.timeoutMs)}`,
    ...metricLines(plan),
    `approval       ${plan.approval.required ? `${orList(plan.approval.approvers)} within ${formatDuration(plan.approval.timeoutMs)}` : 'not required'}`,
    plan.switchWindows
      ? `windows        switch only ${plan.switchWindows.windows.map(describeWindow).join(' or ') || 'any time'}${plan.switchWindows.freezes.length > 0 ? `, not during ${plan.switchWindows.freezes.map((f) => `${f.from}–${f.until} (${f.reason})`).join(', ')}` : ''} (and the worker policy's)`
      : '',
    ...plan.hooks.preSwitch.map((h) => `pre-switch     ${h.name}: dispatch ${h.workflow} on ${h.ref}`),
    `switch         ${switchOf(sw.type).describe(sw, plan)} → ${target ?? '?'}, verified within ${formatDuration(sw.verifyTimeoutMs)}`,
    plan.dns
      ? `dns            ${plan.dns.record} checked at ${plan.dns.nameservers?.join(', ') ?? `every nameserver of ${plan.dns.zone}`} after each switch`
      : '',
    `monitor        ${formatDuration(plan.monitor.durationMs)}, every ${formatDuration(plan.monitor.intervalMs)}, rollback after ${plan.monitor.failureThreshold} failures${plan.rollback.automatic ? '' : ' (manual)'}`,
    plan.monitor.standby
      ? `standby        the old color probed too (monitor, steps, bake): unhealthy after ${plan.monitor.standby.failures} failures, a rollback to it then waits up to ${formatDuration(plan.monitor.standby.askTimeoutMs)} for a person`
      : '',
    plan.sync.afterMs ? `bake           ${formatDuration(plan.sync.afterMs)}: the old color stays warm, rollback is instant` : '',
    `sync           ${plan.sync.enabled ? `merge into the old branch${plan.sync.redeploy ? ' and redeploy it' : ''}` : 'off'}`,
    plan.onFailure
      ? `on failure     ${Object.entries(plan.onFailure)
          .map(
            ([step, p]) =>
              `${step}: ask (up to ${formatDuration(p.retryTimeoutMs)}, then ${p.default}; at most ${p.maxRetries} retries)`,
          )
          .join('; ')}`
      : '',
    ...plan.hooks.postSync.map((h) => `post-sync      ${h.name}: dispatch ${h.workflow} on ${h.ref} (point of no return)`),
    ...preview.notes.map((n) => `note           ${n}`),
  ];
  return lines.filter(Boolean).join('\n');
}
