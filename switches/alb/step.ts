// The `alb` switch's step: the color's target group to 100 % of the rule's forward action (one
// idempotent activity call; switches/weighted-step.ts).
import type { SwitchStep } from '../switch-type.js';
import { setWeights } from '../weighted-step.js';
import { albWhere, type AlbSwitchPlan } from './types.js';

export const switchViaAlb: SwitchStep<AlbSwitchPlan> = (ctx, phase, sw, color, _tools, percent) =>
  setWeights(ctx, phase, sw, {
    activity: 'switchViaAlb',
    target: {
      ...(sw.ruleArn !== undefined ? { ruleArn: sw.ruleArn } : {}),
      ...(sw.listenerArn !== undefined ? { listenerArn: sw.listenerArn } : {}),
      targetGroups: sw.targetGroups,
    },
    where: albWhere(sw),
    color,
    percent,
    attemptMs: 30_000,
  });
