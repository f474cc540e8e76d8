// The activity contract every weighted switch type (alb, route53, haproxy) shares: the plan part
// names the target, the workflow names the color and its share, the activity answers what it found
// and did (switches/weights.ts). Types only: the workflow steps import it too.
import type { Color } from '../contract/types.js';
import type { ColorWeights } from './weights.js';

export interface WeightedSwitchInput<T> {
  /** What the plan names (a rule, a zone's records, a backend). */
  target: T;
  /** The color that gets `percent` of the traffic; the other color gets the rest. */
  color: Color;
  /** 0..100; 100 moves all traffic. */
  percent: number;
}

export interface WeightedSwitchResult {
  before: ColorWeights;
  after: ColorWeights;
  /** false: the provider already had these weights, nothing was written. */
  wrote: boolean;
  /** DNS-based switches: the records' TTL (s), how long resolvers may keep the previous split. */
  ttlSeconds?: number;
}
