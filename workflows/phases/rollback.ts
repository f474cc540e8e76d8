// rollback: switch traffic back to the color that was live before, with the same switch and
// the same checks as the switch. A failed rollback ends FAILED and says to switch by hand.
import { DeploymentStop, describeFailure } from '../../contract/failures.js';
import type { CleanDecision } from '../decisions.js';
import type { PhaseContext } from './context.js';
import { moveTraffic } from './switch.js';

/** Switches back to the previous color; the deployment then ends ROLLED_BACK with `reason`. */
export async function rollbackPhase(ctx: PhaseContext, reason: string): Promise<void> {
  const { tracker, active } = ctx;
  tracker.start('rollback', `switching traffic back to ${active}: ${reason}`);
  let note: string | undefined;
  try {
    note = await moveTraffic(ctx, 'rollback', active);
  } catch (err) {
    const why = describeFailure(err);
    tracker.finish('rollback', 'failed', why);
    throw new DeploymentStop('FAILED', `rollback to ${active} failed: ${why}. Check the public endpoint and switch by hand`);
  }
  tracker.finish('rollback', 'succeeded', `public endpoint answers ${active}${note ? `; ${note}` : ''}`);
}

/** The rollback reason a human request gives. */
export const rollbackRequested = (decision: CleanDecision): string =>
  `rollback requested by ${decision.by}: ${decision.text ?? 'no reason given'}`;
