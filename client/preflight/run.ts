// `bluegreen doctor` and the preflight `deploy` runs: every outside thing a deployment of this
// config relies on, checked read-only and all at once, each a verdict with the fix in one sentence.
import { probeColor } from '../../activities/http-probe.js';
import { DEFAULT_TASK_QUEUE } from '../../contract/messages.js';
import type { Color, DeploymentPlan } from '../../contract/types.js';
import { EXIT } from '../errors.js';
import type { CliClient, ConnectionFlags } from '../temporal-client.js';
import { fail, pass, renderCheck, type CheckResult } from './check.js';
import { githubChecks } from './github-checks.js';
import { metricSourceChecks } from './metric-checks.js';
import { temporalChecks } from './temporal-checks.js';

export interface PreflightOptions {
  taskQueue?: string;
  env?: NodeJS.ProcessEnv;
  /** `--address`, `--namespace`, `--env`, `--profile` (doctor connects with them). */
  flags?: ConnectionFlags;
  /** A connection the caller already made (deploy): checked through, and left open. */
  connected?: CliClient;
}

export async function runPreflight(plan: DeploymentPlan, options: PreflightOptions = {}): Promise<CheckResult[]> {
  const env = options.env ?? process.env;
  const colorAnswer = colorEndpointCheck(plan);
  const [temporal, github, color, metrics] = await Promise.all([
    temporalChecks({
      env,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      service: plan.service,
      ...(options.flags ? { flags: options.flags } : {}),
      ...(options.connected ? { connected: options.connected } : {}),
    }),
    githubChecks(plan, env),
    colorAnswer,
    colorAnswer.then(({ live }) => metricSourceChecks(plan, live)),
  ]);
  return [...temporal, ...github, color.check, ...metrics, ...declaredChecks(plan)];
}

async function colorEndpointCheck(plan: DeploymentPlan): Promise<{ check: CheckResult; live?: Color }> {
  const url = plan.publicUrl + plan.colorPath;
  const what = `color endpoint ${url}`;
  const answer = await probeColor(url, 5_000);
  if (answer.ok) return { check: pass(what, `answers {"color": "${answer.value}"}`), live: answer.value };
  return {
    check: fail(
      what,
      answer.reason,
      `serve {"color": "blue"} or {"color": "green"} (the live color) at ${plan.colorPath} of publicUrl, or fix publicUrl/colorPath`,
    ),
  };
}

/** What is configured but cannot be asked from here: said, so nobody takes silence for a pass. */
function declaredChecks(plan: DeploymentPlan): CheckResult[] {
  if (!plan.notify) return [];
  const channels = new Set(plan.notify.subscriptions.map((s) => s.channel));
  return [
    pass('notification channels', `declared: ${[...channels].join(', ') || 'none'} (the worker policy holds their addresses)`),
  ];
}

export const preflightPassed = (checks: CheckResult[]) => checks.every((c) => c.verdict !== 'fail');

/**
 * The one exit-code rule of doctor and deploy's preflight: 0 when nothing failed, else the code
 * of the first ✗ in the order shown (Temporal, then GitHub, then the endpoints), which is the
 * code every other command gives that problem.
 */
export function preflightExitCode(checks: CheckResult[]): number {
  const first = checks.find((c) => c.verdict === 'fail');
  return first ? (first.exitCode ?? EXIT.REFUSED) : EXIT.SUCCEEDED;
}

/** deploy's refusal: the ✗ lines with their fixes, under one sentence saying nothing started. */
export function preflightRefusal(service: string, checks: CheckResult[]): string {
  const failed = checks.filter((c) => c.verdict === 'fail');
  const count = `${failed.length} preflight check${failed.length === 1 ? '' : 's'} failed`;
  return [
    `${service}: not deployed, ${count} (nothing was started; \`bluegreen doctor\` shows every check, --no-preflight skips them):`,
    ...failed.map((c) => renderCheck(c, '  ')),
  ].join('\n');
}
