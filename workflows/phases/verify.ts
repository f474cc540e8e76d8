// verify: the target color must pass its checks (health, color, and the plan's own) N rounds
// in a row before it gets any traffic (with `onFailure.verify: ask` a failure waits for retry,
// verify again, or abort). Then the metric analysis and verify.tests judge it
// (phases/analysis.ts, phases/verify-tests.ts), so QA decides with the evidence in hand. A
// failure ends the deployment FAILED, traffic untouched. With verify metrics the checks and the
// metrics run in one heartbeating activity (phases/verify-window.ts, which also says how
// verify.tests learn that the checks passed); the path below is verify without metrics.
import { verifyChecksOf } from '../../analysis/checks.js';
import { waiting } from '../activity-proxies.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import { runWithRetry } from '../step-retry.js';
import { verifyTests } from './analysis.js';
import type { PhaseContext } from './context.js';
import { retryOf } from './deploy.js';
import { verifiesInOneActivity, verifyInOneActivity } from './verify-window.js';

export async function verifyPhase(ctx: PhaseContext): Promise<void> {
  if (verifiesInOneActivity(ctx)) return verifyInOneActivity(ctx);
  const { plan, tracker, target } = ctx;
  const env = plan.environments[target];
  const { successes, timeoutMs, healthPath } = plan.verify;
  let rounds = 0;
  await runWithRetry({
    ...retryOf(ctx),
    phase: 'verify',
    policy: plan.onFailure?.verify,
    run: async (attempt) => {
      const again = attempt > 1 ? `attempt ${attempt}: ` : '';
      tracker.start('verify', `${again}${env.url}${healthPath} must pass ${successes}× in a row and answer ${target}`);
      const result = await runChecks(ctx);
      if (!result.ok) {
        const why = `${target} not healthy after ${formatDuration(timeoutMs)}: ${result.lastFailure ?? 'unknown'}`;
        tracker.finish('verify', 'failed', why);
        throw new DeploymentStop('FAILED', `verify failed: ${why}; traffic untouched on ${ctx.active}`);
      }
      rounds = result.rounds;
    },
  });
  // Not retried with the health checks: each test retries by itself (onFailure.tests).
  const judged = await verifyTests(ctx);
  tracker.finish('verify', 'succeeded', `${rounds} probes, ${successes} in a row healthy${judged ? `; ${judged}` : ''}`);
}

async function runChecks(ctx: PhaseContext): Promise<{ ok: boolean; rounds: number; lastFailure?: string }> {
  const { plan, tracker, target } = ctx;
  const { successes, intervalMs, timeoutMs } = plan.verify;
  const env = plan.environments[target];
  const summary = { summary: `verify ${target} at ${env.url}` };
  const checks = verifyChecksOf(plan, target);
  const result = await waiting(plan, timeoutMs).verifyChecks.executeWithOptions(summary, [
    { checks, successes, intervalMs, timeoutMs },
  ]);
  tracker.setAnalysis('verify', { checks: result.checks });
  return result;
}
