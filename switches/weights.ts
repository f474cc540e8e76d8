// Traffic weights as the weighted switches (alb, route53, haproxy) speak them: one number per
// color, in percent of the public traffic, and what a provider call did with them. Each provider
// writes these numbers as its own weights unchanged (the percentage is the weight), which every
// provider's range holds: ALB target groups 0..999, Route 53 records 0..255, HAProxy servers 0..256.
import type { Color } from '../contract/types.js';

/** Percent of the traffic per color; the two add up to 100. */
export interface ColorWeights {
  blue: number;
  green: number;
}

/** What setting weights found and did: `wrote` is false when the provider already had them. */
export interface WeightChange {
  before: ColorWeights;
  /** Read back from the provider after the write (or `before` when nothing was written). */
  after: ColorWeights;
  wrote: boolean;
}

/** `percent` of the traffic to `color`, the rest to the other one. */
export function weightsFor(color: Color, percent: number): ColorWeights {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new Error(`a traffic weight is a whole percentage from 0 to 100, got ${percent}`);
  }
  return color === 'green' ? { blue: 100 - percent, green: percent } : { blue: percent, green: 100 - percent };
}

/** Checks weights before they are sent: whole numbers from 0 to 100 adding up to 100. */
export function checkWeights(weights: ColorWeights): ColorWeights {
  for (const color of ['blue', 'green'] as const) {
    const w = weights[color];
    if (!Number.isInteger(w) || w < 0 || w > 100)
      throw new Error(`the ${color} weight must be a whole number from 0 to 100, got ${w}`);
  }
  if (weights.blue + weights.green !== 100) {
    throw new Error(`the blue and green weights must add up to 100, got ${weights.blue} + ${weights.green}`);
  }
  return weights;
}

export const sameWeights = (a: ColorWeights, b: ColorWeights): boolean => a.blue === b.blue && a.green === b.green;

export const formatWeights = (w: ColorWeights): string => `blue ${w.blue}, green ${w.green}`;

/**
 * The read-back after a write: refuses weights that differ from what was written (someone else
 * changed them meanwhile, or the provider did not take them).
 */
export function confirmWeights(where: string, wanted: ColorWeights, readBack: ColorWeights): ColorWeights {
  if (!sameWeights(wanted, readBack)) {
    throw new Error(`${where} reads ${formatWeights(readBack)} after setting ${formatWeights(wanted)}`);
  }
  return readBack;
}
