// verify: the target color must answer healthy and name itself, N times in a row, before it
// gets any traffic. A failure ends the deployment FAILED with traffic untouched, or with
// `onFailure.verify: ask` waits for retry (verify again) or abort.
import { waiting } from '../activity-proxies.js';
import { DeploymentStop } from '../failures.js';
import { formatDuration } from '../format.js';
import { runWithRetry } from '../step-retry.js';
import type { PhaseContext } from './context.js';
import { retryOf } from './deploy.js';

export async function verifyPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker, target } = ctx;
  const env = plan.environments[target];
  const { successes, intervalMs, timeoutMs, healthPath } = plan.verify;
  await runWithRetry({
    ...retryOf(ctx),
    phase: 'verify',
    policy: plan.onFailure?.verify,
    run: async (attempt) => {
      const again = attempt > 1 ? `attempt ${attempt}: ` : '';
      tracker.start('verify', `${again}${env.url}${healthPath} must pass ${successes}× in a row and answer ${target}`);
      const result = await waiting(plan, timeoutMs).verifyEnvironment.executeWithOptions(
        { summary: `verify ${target} at ${env.url}` },
        [{ baseUrl: env.url, healthPath, colorPath: plan.colorPath, expectColor: target, successes, intervalMs, timeoutMs }],
      );
      if (!result.ok) {
        const why = `${target} not healthy after ${formatDuration(timeoutMs)}: ${result.lastFailure ?? 'unknown'}`;
        tracker.finish('verify', 'failed', why);
        throw new DeploymentStop('FAILED', `verify failed: ${why}; traffic untouched on ${ctx.active}`);
      }
      tracker.finish('verify', 'succeeded', `${result.attempts} probes, ${successes} in a row healthy`);
    },
  });
}
