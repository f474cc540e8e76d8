// The `alb` switch's worker part (manifest in ./index.ts): the listener rules, listeners and target
// groups the worker's policy lets a plan name (`alb:`; each for every service, or for the services
// it lists), with the region and endpoint the worker reaches them at; the plan's part re-validated.
// Credentials: the AWS SDK's default chain, or the role the section names (`assumeRole`).
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import { listed, listedTwice, serviceMayUse, servicesField } from '../../config/policy-fields.js';
import { arn, awsAccessFields, awsUrls, maxUpdateTimeoutMs } from '../aws-access.js';
import { sectionOf, type SwitchCredentialOptions } from '../credentials.js';
import type { AlbSwitchPlan, AlbSwitchTarget } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';
import { stepsBounds, stepsPlanFields } from '../steps-fields.js';

const ELB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:…';

/** A listed ARN: the ARN alone (any service), or `{ arn, services }` (only those services' plans). */
const listedArn = () =>
  z.preprocess(
    (value) => (typeof value === 'string' ? { arn: value } : value),
    z.strictObject({ arn: arn('elasticloadbalancing', ELB_ARN), services: servicesField }),
  );

export const albPolicySection = z
  .strictObject({
    ...awsAccessFields,
    /** Listener rules whose forward action a plan may reweight. @default [] */
    rules: z.array(listedArn()).max(256).default([]),
    /** Listeners whose default action a plan may reweight. @default [] */
    listeners: z.array(listedArn()).max(256).default([]),
    /** Target groups a plan may name as blue or green. @default [] */
    targetGroups: z.array(listedArn()).max(512).default([]),
  })
  .prefault({});
export type AlbPolicy = z.output<typeof albPolicySection>;
type Listed = AlbPolicy['rules'];

const EMPTY: AlbPolicy = { rules: [], listeners: [], targetGroups: [] };
const arns = (list: Listed) => list.map((entry) => entry.arn);

/**
 * The problem with `value` at `field` against the policy's `list` (`key`): not listed, or listed
 * for other services than `service`; undefined when the plan may name it.
 */
function listProblem(what: string, value: string, list: Listed, key: string, field: string, service?: string) {
  const entry = list.find((e) => e.arn === value);
  if (!entry) return `${field}: the worker's policy does not list ${what} ${value} (alb.${key}: ${listed(arns(list))})`;
  if (!serviceMayUse(entry.services, service)) {
    return `${field}: the worker's policy lists ${what} ${value} for ${entry.services!.join(', ')} only (alb.${key}[].services), not for ${service}`;
  }
  return undefined;
}

/** Every way `target` (or plan part) names what the policy does not list (for `service`), one sentence each. */
export function albProblems(target: AlbSwitchTarget, section: AlbPolicy, at: string, service?: string): string[] {
  const problems: Array<string | undefined> = [];
  if (target.ruleArn !== undefined)
    problems.push(listProblem('ALB rule', target.ruleArn, section.rules, 'rules', `${at}.ruleArn`, service));
  if (target.listenerArn !== undefined)
    problems.push(listProblem('ALB listener', target.listenerArn, section.listeners, 'listeners', `${at}.listenerArn`, service));
  if ((target.ruleArn === undefined) === (target.listenerArn === undefined)) {
    problems.push(`${at}.ruleArn: name either ruleArn or listenerArn, not ${target.ruleArn === undefined ? 'neither' : 'both'}`);
  }
  for (const color of ['blue', 'green'] as const) {
    const group = target.targetGroups[color];
    problems.push(
      listProblem('target group', group, section.targetGroups, 'targetGroups', `${at}.targetGroups.${color}`, service),
    );
  }
  if (target.targetGroups.blue === target.targetGroups.green) {
    problems.push(`${at}.targetGroups: blue and green name the same target group`);
  }
  return problems.filter((p) => p !== undefined);
}

export const albSwitchPolicy = definePolicyPart<AlbSwitchPlan>()({
  type: 'alb',
  plan: z.strictObject({
    type: z.literal('alb'),
    ruleArn: z.string().max(2048).optional(),
    listenerArn: z.string().max(2048).optional(),
    targetGroups: z.strictObject({ blue: z.string().max(2048), green: z.string().max(2048) }),
    updateTimeoutMs: z.int().min(0),
    verifyTimeoutMs: z.int().min(0),
    ...stepsPlanFields,
  }),
  policy: { key: 'alb', section: albPolicySection },
  bounds: {
    ...stepsBounds,
    maxUpdateTimeoutMs: maxUpdateTimeoutMs('ALB'),
    maxVerifyTimeoutMs,
  },
  problems: (step, { section = EMPTY, at, plan }) => albProblems(step, section, at, plan.service),
  touches: (step, { section = EMPTY }) => ({
    urls: awsUrls(section),
    credentials: [],
    targets: [
      step.ruleArn !== undefined ? `alb rule ${step.ruleArn}` : `alb listener ${step.listenerArn ?? ''}`,
      `alb target group ${step.targetGroups.blue}`,
      `alb target group ${step.targetGroups.green}`,
    ],
  }),
  sectionProblems(section) {
    for (const key of ['rules', 'listeners', 'targetGroups'] as const) {
      const twice = listedTwice(arns(section[key]));
      if (twice >= 0) return [{ path: `alb.${key}.${twice}`, message: `${section[key][twice]!.arn} is listed twice` }];
    }
    return [];
  },
});

/** The worker's `alb` section; refuses (not retryable) a target it does not list. */
export function albAccess(options: SwitchCredentialOptions, target: AlbSwitchTarget): AlbPolicy {
  const section = sectionOf(options, albSwitchPolicy) ?? EMPTY;
  if (!options.policy) return section;
  const problems = albProblems(target, section, 'switch');
  if (problems.length) throw ApplicationFailure.nonRetryable(problems.join('; '), 'PolicyRefused');
  return section;
}
