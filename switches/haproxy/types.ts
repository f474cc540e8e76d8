// The plan and activity contract of the `haproxy` switch: the weights of a backend's blue and
// green servers through HAProxy's Runtime API socket.
import type { TrafficStepsPlan } from '../steps.js';
import type { Color } from '../../contract/types.js';
import type { WeightedSwitchInput } from '../weighted-types.js';

export interface HaproxySwitchPlan extends TrafficStepsPlan {
  type: 'haproxy';
  /** The Runtime API socket (stats socket … level admin), e.g. /run/haproxy/admin.sock. */
  socket: string;
  backend: string;
  /** Server names per color. */
  servers: Record<Color, string>;
  updateTimeoutMs: number;
  verifyTimeoutMs: number;
}

export type HaproxySwitchTarget = Pick<HaproxySwitchPlan, 'socket' | 'backend' | 'servers'>;
export type HaproxySwitchInput = WeightedSwitchInput<HaproxySwitchTarget>;

export const haproxyWhere = (t: HaproxySwitchTarget): string => `HAProxy backend ${t.backend} at ${t.socket}`;

// This type's plan in the contract's DeploymentPlan (switches/registry.ts checks the two agree).
declare module '../../contract/plugin-plans.js' {
  interface SwitchPlans {
    haproxy: HaproxySwitchPlan;
  }
}
