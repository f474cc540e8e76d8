// verify: the target color must answer healthy and name itself, N times in a row, before it
// gets any traffic. Then the metric analysis and verify.tests judge it (phases/analysis.ts),
// so QA decides with the evidence in hand. A failure ends the deployment FAILED with traffic untouched.
import { waiting } from '../activity-proxies.js';
import { DeploymentStop } from '../failures.js';
import { formatDuration } from '../format.js';
import { verifyAnalysisAndTests } from './analysis.js';
import type { PhaseContext } from './context.js';

export async function verifyPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker, target } = ctx;
  const env = plan.environments[target];
  const { successes, intervalMs, timeoutMs, healthPath } = plan.verify;
  tracker.start('verify', `${env.url}${healthPath} must pass ${successes}× in a row and answer ${target}`);
  const result = await waiting(plan, timeoutMs).verifyEnvironment.executeWithOptions(
    { summary: `verify ${target} at ${env.url}` },
    [{ baseUrl: env.url, healthPath, colorPath: plan.colorPath, expectColor: target, successes, intervalMs, timeoutMs }],
  );
  if (!result.ok) {
    const why = `${target} not healthy after ${formatDuration(timeoutMs)}: ${result.lastFailure ?? 'unknown'}`;
    tracker.finish('verify', 'failed', why);
    throw new DeploymentStop('FAILED', `verify failed: ${why}; traffic untouched on ${ctx.active}`);
  }
  const judged = await verifyAnalysisAndTests(ctx);
  tracker.finish('verify', 'succeeded', `${result.attempts} probes, ${successes} in a row healthy${judged ? `; ${judged}` : ''}`);
}
