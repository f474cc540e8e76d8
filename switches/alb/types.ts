// The plan and activity contract of the `alb` switch: the weighted forward action of an
// Application Load Balancer listener rule (or a listener's default action).
import type { TrafficStepsPlan } from '../steps.js';
import type { Color } from '../../contract/types.js';
import type { WeightedSwitchInput } from '../weighted-types.js';

export interface AlbSwitchPlan extends TrafficStepsPlan {
  type: 'alb';
  /** The listener rule whose forward action holds the two target groups; or `listenerArn`. */
  ruleArn?: string;
  /** The listener whose default action holds them (a default rule changes only through its listener). */
  listenerArn?: string;
  targetGroups: Record<Color, string>;
  updateTimeoutMs: number;
  verifyTimeoutMs: number;
}

export type AlbSwitchTarget = Pick<AlbSwitchPlan, 'ruleArn' | 'listenerArn' | 'targetGroups'>;
export type AlbSwitchInput = WeightedSwitchInput<AlbSwitchTarget>;

/** "ALB rule …" or "ALB listener …", for phase details and errors. */
export const albWhere = (t: AlbSwitchTarget): string =>
  t.ruleArn !== undefined ? `ALB rule ${t.ruleArn}` : `ALB listener ${t.listenerArn ?? '(none)'}`;

// This type's plan in the contract's DeploymentPlan (switches/registry.ts checks the two agree).
declare module '../../contract/plugin-plans.js' {
  interface SwitchPlans {
    alb: AlbSwitchPlan;
  }
}
