// The `alb` traffic switch's client part (manifest in ./index.ts): config section, plan mapping,
// dry-run text. docs/switches.md.
//   switch:
//     type: alb
//     ruleArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/…   # or listenerArn
//     targetGroups: { blue: arn:aws:elasticloadbalancing:…:targetgroup/web-blue/…, green: … }
// The region, endpoint and credentials are the worker's (alb: in bluegreen-worker.yaml).
import { z } from 'zod';
import { duration } from '../../config/fields.js';
import { defineSwitchClient } from '../switch-type.js';
import { stepsConfigFields, stepsPlan } from '../steps-fields.js';
import type { AlbSwitchPlan } from './types.js';

const arnText = (what: string) =>
  z
    .string({ error: `expected the ${what}'s ARN` })
    .regex(/^arn:\S+$/, `expected the ${what}'s ARN (arn:aws:elasticloadbalancing:…)`);

export const albSwitchClient = defineSwitchClient({
  summary: 'type "alb" (with ruleArn or listenerArn, and targetGroups)',
  schema: z
    .strictObject({
      type: z.literal('alb'),
      ruleArn: arnText('listener rule').optional(),
      listenerArn: arnText('listener').optional(),
      targetGroups: z.strictObject({ blue: arnText('blue target group'), green: arnText('green target group') }),
      updateTimeout: duration('1h').prefault('2m'),
      verifyTimeout: duration('2h').prefault('10m'),
      ...stepsConfigFields,
    })
    .refine((sw) => (sw.ruleArn === undefined) !== (sw.listenerArn === undefined), {
      message: 'name either ruleArn (a listener rule) or listenerArn (its default action), not both',
      path: ['ruleArn'],
    }),
  toPlan: (sw): AlbSwitchPlan => ({
    type: 'alb',
    ...(sw.ruleArn !== undefined ? { ruleArn: sw.ruleArn } : {}),
    ...(sw.listenerArn !== undefined ? { listenerArn: sw.listenerArn } : {}),
    targetGroups: sw.targetGroups,
    updateTimeoutMs: sw.updateTimeout,
    verifyTimeoutMs: sw.verifyTimeout,
    ...stepsPlan(sw),
  }),
  describe: (sw) =>
    `ALB ${sw.ruleArn !== undefined ? `rule ${sw.ruleArn}` : `listener ${sw.listenerArn}`}: forward weights of ${sw.targetGroups.blue} (blue) and ${sw.targetGroups.green} (green)`,
});
