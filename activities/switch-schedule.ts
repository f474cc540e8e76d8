// The worker policy's switch windows and freezes for a service, read by the workflow before
// its switch (the workflow cannot read the worker's file itself). Pure lookup, idempotent.
import { policySwitchSchedule, type WindowsPolicy } from '../worker/policy-windows.js';
import type { Freeze, SwitchWindow } from '../workflows/windows.js';

export interface SwitchScheduleInput {
  service: string;
}
export interface SwitchSchedule {
  windows: SwitchWindow[];
  freezes: Freeze[];
}

export function createSwitchScheduleActivities(policy: WindowsPolicy = []) {
  return {
    async readSwitchSchedule(input: SwitchScheduleInput): Promise<SwitchSchedule> {
      return policySwitchSchedule(policy, input.service);
    },
  };
}
