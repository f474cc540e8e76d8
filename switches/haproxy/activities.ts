// Sets the weights of a backend's blue and green servers through HAProxy's Runtime API: read both,
// write only what differs (the gaining server first), read back (./runtime.ts). Worker side.
import type { SwitchCredentialOptions } from '../credentials.js';
import { providerFailure } from '../provider-errors.js';
import { weightsFor } from '../weights.js';
import type { WeightedSwitchResult } from '../weighted-types.js';
import { haproxyAccess } from './policy.js';
import { setHaproxyWeights } from './runtime.js';
import { haproxyWhere, type HaproxySwitchInput } from './types.js';

export function createHaproxyActivities(options: SwitchCredentialOptions = {}) {
  async function switchViaHaproxy(input: HaproxySwitchInput): Promise<WeightedSwitchResult> {
    try {
      haproxyAccess(options, input.target);
      return await setHaproxyWeights(input.target, weightsFor(input.color, input.percent), { timeoutMs: 5_000 });
    } catch (err) {
      throw providerFailure(haproxyWhere(input.target), err);
    }
  }
  return { switchViaHaproxy };
}
