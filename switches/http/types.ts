// The plan and activity contract of the `http` switch: an app router's HTTP endpoint.
import type { Color } from '../../contract/types.js';
import type { TrafficStepsPlan } from '../steps.js';

/** Moves all traffic at once: its client refuses `steps` (the fields are there for the shared plan shape). */
export interface HttpSwitchPlan extends TrafficStepsPlan {
  type: 'http';
  url: string;
  /**
   * Plans of older CLIs only (and never trusted): the worker's policy names the variable of each
   * router's token, and a plan asking for another one is refused in plan.
   */
  tokenEnv?: string;
  verifyTimeoutMs: number;
}

export interface HttpSwitchInput {
  url: string;
  /**
   * Ignored by a worker (it has a policy, which names the variable); read only by unit tests of
   * the activity alone. Deployments whose plans were made by an older client still send it.
   */
  tokenEnv?: string;
  color: Color;
}

// This type's plan in the contract's DeploymentPlan (switches/registry.ts checks the two agree).
declare module '../../contract/plugin-plans.js' {
  interface SwitchPlans {
    http: HttpSwitchPlan;
  }
}
