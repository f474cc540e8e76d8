// The `alb` switch's worker part (manifest in ./index.ts): the listener rules, listeners and target
// groups the worker's policy lets a plan name (`alb:`), with the region and endpoint the worker
// reaches them at; the plan's part re-validated. Credentials: the AWS SDK's default chain, or the
// role the section names (`assumeRole`).
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import { listed, listedTwice } from '../../config/policy-fields.js';
import { arn, awsAccessFields, awsUrls } from '../aws-access.js';
import { sectionOf, type SwitchCredentialOptions } from '../credentials.js';
import type { AlbSwitchPlan, AlbSwitchTarget } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';

const ELB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:…';

export const albPolicySection = z
  .strictObject({
    ...awsAccessFields,
    /** Listener rules whose forward action a plan may reweight. @default [] */
    rules: z.array(arn('elasticloadbalancing', ELB_ARN)).max(256).default([]),
    /** Listeners whose default action a plan may reweight. @default [] */
    listeners: z.array(arn('elasticloadbalancing', ELB_ARN)).max(256).default([]),
    /** Target groups a plan may name as blue or green. @default [] */
    targetGroups: z.array(arn('elasticloadbalancing', ELB_ARN)).max(512).default([]),
  })
  .prefault({});
export type AlbPolicy = z.output<typeof albPolicySection>;

const EMPTY: AlbPolicy = { rules: [], listeners: [], targetGroups: [] };

/** Every way `target` (or plan part) names what the policy does not list, one sentence each. */
export function albProblems(target: AlbSwitchTarget, section: AlbPolicy, at: string): string[] {
  const problems: string[] = [];
  if (target.ruleArn !== undefined && !section.rules.includes(target.ruleArn)) {
    problems.push(
      `${at}.ruleArn: the worker's policy does not list ALB rule ${target.ruleArn} (alb.rules: ${listed(section.rules)})`,
    );
  }
  if (target.listenerArn !== undefined && !section.listeners.includes(target.listenerArn)) {
    problems.push(
      `${at}.listenerArn: the worker's policy does not list ALB listener ${target.listenerArn} (alb.listeners: ${listed(section.listeners)})`,
    );
  }
  if ((target.ruleArn === undefined) === (target.listenerArn === undefined)) {
    problems.push(`${at}.ruleArn: name either ruleArn or listenerArn, not ${target.ruleArn === undefined ? 'neither' : 'both'}`);
  }
  for (const color of ['blue', 'green'] as const) {
    const group = target.targetGroups[color];
    if (!section.targetGroups.includes(group)) {
      problems.push(
        `${at}.targetGroups.${color}: the worker's policy does not list target group ${group} (alb.targetGroups: ${listed(section.targetGroups)})`,
      );
    }
  }
  if (target.targetGroups.blue === target.targetGroups.green) {
    problems.push(`${at}.targetGroups: blue and green name the same target group`);
  }
  return problems;
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
  }),
  policy: { key: 'alb', section: albPolicySection },
  bounds: {
    maxUpdateTimeoutMs: {
      field: 'updateTimeoutMs',
      limit: 'max',
      default: 3_600_000,
      what: 'how long a failing ALB update is retried (ms)',
    },
    maxVerifyTimeoutMs,
  },
  problems: (step, { section = EMPTY, at }) => albProblems(step, section, at),
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
      const twice = listedTwice(section[key]);
      if (twice >= 0) return [{ path: `alb.${key}.${twice}`, message: `${section[key][twice]} is listed twice` }];
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
