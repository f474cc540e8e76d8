// The worker policy's switch windows and freezes for a service, read by the workflow before
// its switch (the workflow cannot read the worker's file itself). Pure lookup, idempotent.
import { policySwitchSchedule, type WindowsPolicy } from './policy-windows.js';
import type { SwitchSchedule, SwitchScheduleInput } from '../activities/types.js';

export function createSwitchScheduleActivities(policy: WindowsPolicy = []) {
  return {
    async readSwitchSchedule(input: SwitchScheduleInput): Promise<SwitchSchedule> {
      return policySwitchSchedule(policy, input.service);
    },
  };
}
