// The `route53` traffic switch's client part (manifest in ./index.ts): config section, plan
// mapping, dry-run text. docs/switches.md.
//   switch:
//     type: route53
//     hostedZoneId: Z0123456789ABCDEFGHIJ
//     name: app.example.com
//     setIdentifiers: { blue: blue, green: green }   # the default
// The region, endpoint and credentials are the worker's (route53: in bluegreen-worker.yaml).
import { z } from 'zod';
import { duration } from '../../config/fields.js';
import { defineSwitchClient } from '../switch-type.js';
import { stepsConfigFields, stepsPlan } from '../steps-fields.js';
import type { Route53SwitchPlan } from './types.js';

const identifier = z.string().min(1).max(128);

export const route53SwitchClient = defineSwitchClient({
  summary: 'type "route53" (with hostedZoneId and name)',
  schema: z.strictObject({
    type: z.literal('route53'),
    hostedZoneId: z
      .string({ error: 'expected a hosted zone id like "Z0123456789ABCDEFGHIJ"' })
      .transform((id) => id.replace(/^\/?hostedzone\//, ''))
      .pipe(z.string().regex(/^[A-Z0-9]{1,32}$/, 'expected a hosted zone id like "Z0123456789ABCDEFGHIJ"')),
    name: z
      .string({ error: 'expected the public name, like "app.example.com"' })
      .transform((n) => n.trim().toLowerCase().replace(/\.$/, ''))
      .pipe(z.string().regex(/^[a-z0-9_*]([a-z0-9_-]*\.)*[a-z0-9_-]+$/, 'expected the public name, like "app.example.com"')),
    recordType: z.enum(['CNAME', 'A', 'AAAA']).default('CNAME'),
    setIdentifiers: z.strictObject({ blue: identifier, green: identifier }).default({ blue: 'blue', green: 'green' }),
    updateTimeout: duration('1h').prefault('5m'),
    verifyTimeout: duration('2h').prefault('10m'),
    ...stepsConfigFields,
  }),
  toPlan: (sw): Route53SwitchPlan => ({
    type: 'route53',
    hostedZoneId: sw.hostedZoneId,
    name: sw.name,
    recordType: sw.recordType,
    setIdentifiers: sw.setIdentifiers,
    updateTimeoutMs: sw.updateTimeout,
    verifyTimeoutMs: sw.verifyTimeout,
    ...stepsPlan(sw),
  }),
  describe: (sw) =>
    `Route 53 weighted records ${sw.name} ${sw.recordType} in ${sw.hostedZoneId} (${sw.setIdentifiers.blue} / ${sw.setIdentifiers.green})`,
});
