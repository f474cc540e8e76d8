// bake (sync.after): after a healthy monitor window the old color stays untouched for a while,
// still serving the previous version, so a `rollback` is one switch back with no redeploy.
// `promote` ends the bake early; when the time is up, sync goes ahead. One durable timer (and,
// with the hot standby, the old color's watch: phases/standby.ts).
import { condition } from '@temporalio/workflow';
import { formatDuration } from '../../contract/format.js';
import type { HumanInput } from '../human-input.js';
import type { PhaseContext } from './context.js';
import { rollbackRequested } from './rollback.js';
import { decisionCommand } from '../../contract/commands.js';
import { bakeWithStandby, standbyPlanOf } from './standby.js';

/** Returns why to roll back, or undefined when the bake ended (by time or promote). */
export async function bakePhase(ctx: PhaseContext): Promise<string | undefined> {
  const { plan, tracker, human, active } = ctx;
  const afterMs = plan.sync.afterMs ?? 0;
  if (afterMs <= 0) return undefined;
  if (human.rollback) return rollbackRequested(human.rollback);
  // A promote of the monitor window is spent: the bake waits for one of its own.
  delete human.promote;
  const until = new Date(Date.now() + afterMs).toISOString();
  tracker.setBake({ until, color: active });
  tracker.start('bake', `${active} kept warm for ${formatDuration(afterMs)}: instant rollback until ${until}`);
  tracker.setWaitingFor(
    `the bake to end by itself at ${until} (no action needed); instant rollback to ${active} possible until then: ` +
      `${decisionCommand('rollback', plan.service, '--reason "..."')}; to end it early: ${decisionCommand('promote', plan.service)}`,
  );
  const decided = () => human.rollback !== undefined || human.promote !== undefined;
  // With the hot standby the old color is probed while it waits: a rollback goes back to a healthy color.
  if (standbyPlanOf(ctx)) await bakeWithStandby(ctx, afterMs, decided);
  else await condition(decided, afterMs);
  tracker.setWaitingFor(undefined);
  // Read again: the handlers set these while the condition waited.
  const { rollback, promote } = human as HumanInput;
  if (rollback) {
    tracker.setBake({ until, color: active, endedBy: rollback.by });
    tracker.finish('bake', 'cancelled', `rollback requested by ${rollback.by}`);
    return rollbackRequested(rollback);
  }
  if (promote) {
    tracker.setBake({ until, color: active, endedBy: promote.by });
    tracker.finish('bake', 'succeeded', `ended early by ${promote.by}`);
    return undefined;
  }
  tracker.finish('bake', 'succeeded', `${active} kept warm for ${formatDuration(afterMs)}`);
  return undefined;
}
