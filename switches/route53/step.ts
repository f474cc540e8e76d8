// The `route53` switch's step: the color's weighted record to 100 %, one idempotent activity call
// that waits until Route 53 reports the change INSYNC (switches/weighted-step.ts). The records'
// TTL is how long resolvers may keep the previous answer.
import type { SwitchStep } from '../switch-type.js';
import { setWeights } from '../weighted-step.js';
import { route53Where, type Route53SwitchPlan } from './types.js';

/** One attempt: a read, one change batch, GetChange until INSYNC (bounded by the activity at 2 min), a read. */
export const ROUTE53_ATTEMPT_MS = 150_000;

export const switchViaRoute53: SwitchStep<Route53SwitchPlan> = (ctx, phase, sw, color, _tools, percent) =>
  setWeights(ctx, phase, sw, {
    activity: 'switchViaRoute53',
    target: { hostedZoneId: sw.hostedZoneId, name: sw.name, recordType: sw.recordType, setIdentifiers: sw.setIdentifiers },
    where: route53Where(sw),
    color,
    percent,
    attemptMs: ROUTE53_ATTEMPT_MS,
  });
