// The plan and activity contract of the `route53` switch: the weights of the public name's two
// weighted record sets in a Route 53 hosted zone.
import type { TrafficStepsPlan } from '../steps.js';
import type { Color } from '../../contract/types.js';
import type { WeightedSwitchInput } from '../weighted-types.js';

export interface Route53SwitchPlan extends TrafficStepsPlan {
  type: 'route53';
  /** The hosted zone's id, e.g. Z0123456789ABCDEFGHIJ. */
  hostedZoneId: string;
  /** The public name, e.g. app.example.com. */
  name: string;
  /** The records' type. */
  recordType: 'CNAME' | 'A' | 'AAAA';
  /** The records' SetIdentifier per color. */
  setIdentifiers: Record<Color, string>;
  updateTimeoutMs: number;
  verifyTimeoutMs: number;
}

export type Route53SwitchTarget = Pick<Route53SwitchPlan, 'hostedZoneId' | 'name' | 'recordType' | 'setIdentifiers'>;
export type Route53SwitchInput = WeightedSwitchInput<Route53SwitchTarget>;

export const route53Where = (t: Route53SwitchTarget): string => `Route 53 ${t.name} ${t.recordType} in ${t.hostedZoneId}`;

// This type's plan in the contract's DeploymentPlan (switches/registry.ts checks the two agree).
declare module '../../contract/plugin-plans.js' {
  interface SwitchPlans {
    route53: Route53SwitchPlan;
  }
}
