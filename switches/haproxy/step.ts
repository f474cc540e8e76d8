// The `haproxy` switch's step: the color's server to weight 100, the other's to 0, through the
// Runtime API (one idempotent activity call; switches/weighted-step.ts).
import type { SwitchStep } from '../switch-type.js';
import { setWeights } from '../weighted-step.js';
import { haproxyWhere, type HaproxySwitchPlan } from './types.js';

export const switchViaHaproxy: SwitchStep<HaproxySwitchPlan> = (ctx, phase, sw, color, _tools, percent) =>
  setWeights(ctx, phase, sw, {
    activity: 'switchViaHaproxy',
    target: { socket: sw.socket, backend: sw.backend, servers: sw.servers },
    where: haproxyWhere(sw),
    color,
    percent,
    attemptMs: 15_000,
  });
