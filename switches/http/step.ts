// The `http` switch's step: one idempotent POST of the color to the router (an activity).
import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { SwitchActivities } from '../activity-types.js';
import { QUICK_ACTIVITY_OPTIONS } from '../../contract/activity-options.js';
import { DeploymentStop, describeFailure } from '../../contract/failures.js';
import type { SwitchStep } from '../switch-type.js';
import type { HttpSwitchPlan } from './types.js';

const quick = proxyActivities<SwitchActivities>(QUICK_ACTIVITY_OPTIONS);

export const switchViaHttp: SwitchStep<HttpSwitchPlan> = async (_ctx, _phase, sw, color) => {
  try {
    await quick.switchViaHttp.executeWithOptions({ summary: `POST ${sw.url} color=${color}` }, [
      // No token variable: the worker's policy names it (activity input only, replays unchanged).
      { url: sw.url, color },
    ]);
  } catch (err) {
    // A refused switch (bad token, the router cannot serve that color yet) is a failed
    // switch like a failed DNS run: the caller checks where traffic is and decides.
    if (isCancellation(err)) throw err;
    throw new DeploymentStop('FAILED', `switch via ${sw.url}: ${describeFailure(err)}`);
  }
  return {};
};
