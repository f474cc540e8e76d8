// `bluegreen doctor` and the preflight `deploy` runs: every outside thing a deployment of this
// config relies on, checked read-only, each a verdict with the fix in one sentence.
import { probeColor } from '../../activities/http-probe.js';
import { DEFAULT_TASK_QUEUE } from '../../contract/messages.js';
import type { DeploymentPlan } from '../../contract/types.js';
import { fail, pass, unknown, type CheckResult } from './check.js';
import { githubChecks } from './github-checks.js';
import { temporalChecks } from './temporal-checks.js';

export interface PreflightOptions {
  taskQueue?: string;
  env?: NodeJS.ProcessEnv;
}

export async function runPreflight(plan: DeploymentPlan, options: PreflightOptions = {}): Promise<CheckResult[]> {
  const env = options.env ?? process.env;
  const [temporal, github, color] = await Promise.all([
    temporalChecks(env, options.taskQueue ?? DEFAULT_TASK_QUEUE, plan.service),
    githubChecks(plan, env),
    colorEndpointCheck(plan),
  ]);
  return [...temporal, ...github, color, ...declaredChecks(plan)];
}

async function colorEndpointCheck(plan: DeploymentPlan): Promise<CheckResult> {
  const url = plan.publicUrl + plan.colorPath;
  const what = `color endpoint ${url}`;
  const answer = await probeColor(url, 5_000);
  if (answer.ok) return pass(what, `answers {"color": "${answer.value}"}`);
  return fail(
    what,
    answer.reason,
    `serve {"color": "blue"} or {"color": "green"} (the live color) at ${plan.colorPath} of publicUrl, or fix publicUrl/colorPath`,
  );
}

/** What is configured but not asked here: said, so nobody takes silence for a pass. */
function declaredChecks(plan: DeploymentPlan): CheckResult[] {
  const checks: CheckResult[] = [];
  if (plan.analysis?.verify || plan.analysis?.monitor)
    checks.push(unknown('metric sources', 'not queried by doctor yet (the worker queries them from its network)'));
  if (plan.notify) {
    const channels = new Set(plan.notify.subscriptions.map((s) => s.channel));
    checks.push(
      pass('notification channels', `declared: ${[...channels].join(', ') || 'none'} (the worker policy holds their addresses)`),
    );
  }
  return checks;
}

export const preflightPassed = (checks: CheckResult[]) => checks.every((c) => c.verdict !== 'fail');
