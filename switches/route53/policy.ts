// The `route53` switch's worker part (manifest in ./index.ts): the hosted zones (and, if listed,
// the names in them) the worker's policy lets a plan reweight (`route53:`), with the region and
// endpoint the worker reaches Route 53 at. Credentials: the AWS SDK's default chain, or the
// role the section names (`assumeRole`).
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import { listed, listedTwice, serviceMayUse, servicesField } from '../../config/policy-fields.js';
import { awsAccessFields, awsUrls, maxUpdateTimeoutMs } from '../aws-access.js';
import { sectionOf, type SwitchCredentialOptions } from '../credentials.js';
import type { Route53SwitchPlan, Route53SwitchTarget } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';
import { stepsBounds, stepsPlanFields } from '../steps-fields.js';

const zoneId = z
  .string({ error: 'expected a hosted zone id like "Z0123456789ABCDEFGHIJ"' })
  .transform((id) => id.replace(/^\/?hostedzone\//, ''))
  .pipe(z.string().regex(/^[A-Z0-9]{1,32}$/, 'expected a hosted zone id like "Z0123456789ABCDEFGHIJ"'));
const recordName = z.string().transform((n) => n.trim().toLowerCase().replace(/\.$/, ''));

export const route53PolicySection = z
  .strictObject({
    ...awsAccessFields,
    /**
     * Hosted zones a plan may reweight records in, each with the names it may touch (empty: any)
     * and the services whose plans may (absent: any). @default []
     */
    zones: z
      .array(z.strictObject({ id: zoneId, names: z.array(recordName).max(256).default([]), services: servicesField }))
      .max(256)
      .default([]),
  })
  .prefault({});
export type Route53Policy = z.output<typeof route53PolicySection>;

const EMPTY: Route53Policy = { zones: [] };
const normalName = (n: string) => n.trim().toLowerCase().replace(/\.$/, '');
const normalZone = (id: string) => id.replace(/^\/?hostedzone\//, '');

export function route53Problems(target: Route53SwitchTarget, section: Route53Policy, at: string, service?: string): string[] {
  const zone = section.zones.find((z) => z.id === normalZone(target.hostedZoneId));
  if (!zone) {
    return [
      `${at}.hostedZoneId: the worker's policy does not list hosted zone ${target.hostedZoneId} (route53.zones: ${listed(section.zones.map((z) => z.id))})`,
    ];
  }
  if (!serviceMayUse(zone.services, service)) {
    return [
      `${at}.hostedZoneId: the worker's policy lists hosted zone ${zone.id} for ${zone.services!.join(', ')} only (route53.zones[].services), not for ${service}`,
    ];
  }
  if (zone.names.length > 0 && !zone.names.includes(normalName(target.name))) {
    return [
      `${at}.name: the worker's policy lets plans change only ${zone.names.join(', ')} in ${zone.id} (route53.zones[].names)`,
    ];
  }
  if (target.setIdentifiers.blue === target.setIdentifiers.green)
    return [`${at}.setIdentifiers: blue and green name the same record set`];
  return [];
}

export const route53SwitchPolicy = definePolicyPart<Route53SwitchPlan>()({
  type: 'route53',
  plan: z.strictObject({
    type: z.literal('route53'),
    hostedZoneId: z.string().max(64),
    name: z.string().max(253),
    recordType: z.enum(['CNAME', 'A', 'AAAA']),
    setIdentifiers: z.strictObject({ blue: z.string().min(1).max(128), green: z.string().min(1).max(128) }),
    updateTimeoutMs: z.int().min(0),
    verifyTimeoutMs: z.int().min(0),
    ...stepsPlanFields,
  }),
  policy: { key: 'route53', section: route53PolicySection },
  bounds: {
    ...stepsBounds,
    maxUpdateTimeoutMs: maxUpdateTimeoutMs('Route 53'),
    maxVerifyTimeoutMs,
  },
  problems: (step, { section = EMPTY, at, plan }) => route53Problems(step, section, at, plan.service),
  touches: (step, { section = EMPTY }) => ({
    urls: awsUrls(section),
    credentials: [],
    targets: [`route53 zone ${step.hostedZoneId}`, `route53 records ${step.name} ${step.recordType}`],
  }),
  sectionProblems(section) {
    const twice = listedTwice(section.zones.map((z) => z.id));
    return twice < 0
      ? []
      : [{ path: `route53.zones.${twice}.id`, message: `hosted zone ${section.zones[twice]!.id} is listed twice` }];
  },
});

/** The worker's `route53` section; refuses (not retryable) a zone or name it does not list. */
export function route53Access(options: SwitchCredentialOptions, target: Route53SwitchTarget): Route53Policy {
  const section = sectionOf(options, route53SwitchPolicy) ?? EMPTY;
  if (!options.policy) return section;
  const problems = route53Problems(target, section, 'switch');
  if (problems.length) throw ApplicationFailure.nonRetryable(problems.join('; '), 'PolicyRefused');
  return section;
}
