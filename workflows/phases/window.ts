// window: before traffic moves, wait until a switch window is open and no freeze applies
// (the worker policy's, then bluegreen.yaml's: windows.ts), saying why and until when. Durable
// timers only (switch-window-wait.ts). An approver may override with a reason, recorded; an
// abort stops the deployment (ABORTED, traffic never moved). Reverts are never held: they bring
// back what ran before. The phase shows in the status only when it actually holds the switch.
import { CancelledFailure } from '@temporalio/workflow';
import { inWorkerLookups, quick } from '../activity-proxies.js';
import { isPatched } from '../../contract/patches.js';
import { inertText } from '../../contract/sanitize.js';
import { waitForSwitchWindow } from '../switch-window-wait.js';
import type { PhaseContext } from './context.js';
import { decisionCommand } from '../../contract/commands.js';

export async function windowPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker, human } = ctx;
  if (plan.revert) return;
  const lookups = isPatched('switch-schedule-in-workflow-task') ? inWorkerLookups : quick;
  const policy = await lookups.readSwitchSchedule.executeWithOptions({ summary: `read the switch windows of ${plan.service}` }, [
    { service: plan.service },
  ]);
  const windows = [...policy.windows, ...(plan.switchWindows?.windows ?? [])];
  const freezes = [...policy.freezes, ...(plan.switchWindows?.freezes ?? [])];
  if (windows.length === 0 && freezes.length === 0) return;
  // Nothing of ours in flight while the deployment may wait for days (a worker may come and go).
  await ctx.records.settled();
  let held = false;
  const ended = await waitForSwitchWindow({
    windows,
    freezes,
    interrupted: () => human.override !== undefined || human.abort !== undefined,
    show: (waiting) => {
      if (!waiting) return;
      if (!held) {
        tracker.start('window', waiting.why);
        held = true;
      } else tracker.update('window', { detail: waiting.why });
      tracker.setSwitchWindow({
        why: waiting.why,
        ...(waiting.until ? { until: waiting.until } : {}),
        since: tracker.status.switchWindow?.since ?? new Date().toISOString(),
      });
      tracker.setWaitingFor(
        `a switch window: ${waiting.why}. To switch now (an approver, with a reason): ${decisionCommand('override-window', plan.service, '--reason "..."')}`,
      );
    },
  });
  if (!held) return;
  tracker.setWaitingFor(undefined);
  // An abort ended the wait: stop as the cancelled scope would, so the caller marks this phase
  // cancelled and reports ABORTED (the switch was never allowed).
  if (ended === 'interrupted' && human.abort) throw new CancelledFailure(`aborted by ${human.abort.by}`);
  const override = human.override;
  if (override && tracker.status.switchWindow) {
    // Signal text is untrusted: kept inert, as every other payload shown in the status.
    const [by, reason] = [inertText(override.by, 100), inertText(override.text ?? '', 500)];
    tracker.setSwitchWindow({ ...tracker.status.switchWindow, override: { by, reason, at: new Date().toISOString() } });
    tracker.finish('window', 'succeeded', `overridden by ${by}: ${reason}`);
  } else {
    tracker.finish('window', 'succeeded', `switch allowed since ${new Date().toISOString()}`);
  }
}
