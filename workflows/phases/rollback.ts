// rollback: switch traffic back to the color that was live before, with the same switch and
// the same checks as the switch. A failed rollback ends FAILED and says to switch by hand. With
// the hot standby (standby.ts) it switches only to an old color known to be healthy, or on a
// person's word.
import { DeploymentStop, describeFailure } from '../../contract/failures.js';
import type { PhaseContext } from './context.js';
import { moveTraffic } from './switch.js';
import { rampDown } from './traffic-steps.js';
import { standbyBeforeRollback } from './standby.js';

/** Switches back to the previous color; the deployment then ends ROLLED_BACK with `reason`. */
export async function rollbackPhase(ctx: PhaseContext, reason: string): Promise<void> {
  const { tracker, active } = ctx;
  tracker.start('rollback', `switching traffic back to ${active}: ${reason}`);
  // Held until a person decides when the old color is unhealthy; throws when it stays so.
  const decided = await standbyBeforeRollback(ctx, reason);
  if (decided) tracker.update('rollback', { detail: `switching traffic back to ${active}: ${reason}; ${decided}` });
  let note: string | undefined;
  try {
    const ramped = await rampDown(ctx);
    note = await moveTraffic(ctx, 'rollback', active, ramped + 1);
  } catch (err) {
    const why = describeFailure(err);
    tracker.finish('rollback', 'failed', why);
    throw new DeploymentStop('FAILED', `rollback to ${active} failed: ${why}. Check the public endpoint and switch by hand`);
  }
  tracker.setWeight({ color: active, percent: 100 });
  const notes = [decided, note].filter(Boolean).join('; ');
  tracker.finish('rollback', 'succeeded', `public endpoint answers ${active}${notes ? `; ${notes}` : ''}`);
}

export { rollbackRequested } from '../decisions.js';
