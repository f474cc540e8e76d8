// The `http` switch's worker part (manifest in ./index.ts): the routers the worker's policy lists
// (`routers:`, each with the variable holding its bearer token), the plan's part re-validated,
// and the token a switch request carries. A plan never chooses the variable.
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import { envName, listed, listedTwice, normalizeUrl, policyUrl, urlMatches } from '../../config/policy-fields.js';
import { credential, sectionOf, type Credential, type SwitchCredentialOptions } from '../credentials.js';
import type { HttpSwitchPlan } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';

/** Plans of older clients carry this variable name; the worker takes the policy's instead. */
const LEGACY_TOKEN_ENV = 'BLUEGREEN_ROUTER_TOKEN';

/** An app router the http switch may call, and the variable holding its bearer token. */
export const routerEntry = z.strictObject({
  /** The switch endpoint, exactly as plans name it (`switch.url`). */
  url: policyUrl,
  /** Environment variable with the router's bearer token (read once at worker start). */
  tokenEnv: envName('BLUEGREEN_ROUTER_TOKEN'),
});
export type RouterPolicy = z.output<typeof routerEntry>;

/** App routers the http switch may call. @default [] (no http switch) */
const routers = z.array(routerEntry).max(64).default([]);

/** The router entry the http switch's URL names, if the policy lists it. */
export const routerFor = (list: readonly RouterPolicy[], url: string): RouterPolicy | undefined =>
  list.find((r) => urlMatches(r.url, normalizeUrl(url)));

export const httpSwitchPolicy = definePolicyPart<HttpSwitchPlan>()({
  type: 'http',
  plan: z.strictObject({
    type: z.literal('http'),
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    tokenEnv: z.string().optional(),
    verifyTimeoutMs: z.int().min(0),
  }),
  policy: { key: 'routers', section: routers },
  bounds: {
    maxVerifyTimeoutMs,
  },
  problems(step, { section = [], at }) {
    const router = routerFor(section, step.url);
    if (!router) {
      return [
        `${at}.url: the worker's policy lists no router ${normalizeUrl(step.url)} for the http switch (routers: ${listed(section.map((r) => r.url))})`,
      ];
    }
    if (step.tokenEnv !== undefined && step.tokenEnv !== router.tokenEnv && step.tokenEnv !== LEGACY_TOKEN_ENV) {
      return [
        `${at}.tokenEnv: the plan asks for the router token in ${step.tokenEnv}, but the worker's policy gives router ${router.url} its token from its own variable (routers[].tokenEnv): plans do not choose credentials`,
      ];
    }
    return [];
  },
  touches: (step, { section = [] }) => ({
    urls: [step.url],
    credentials: [routerFor(section, step.url)?.tokenEnv].filter((n): n is string => n !== undefined),
    targets: [],
  }),
  secrets: (section) => section.map((r, i) => ({ path: `routers.${i}.tokenEnv`, envName: r.tokenEnv })),
  sectionProblems(section) {
    const twice = listedTwice(section.map((r) => r.url));
    return twice < 0 ? [] : [{ path: `routers.${twice}.url`, message: `router ${section[twice]!.url} is listed twice` }];
  },
});

/** The bearer token of the router at `url`; refuses a router the policy does not list. */
export function routerToken(options: SwitchCredentialOptions, url: string, planTokenEnv: string | undefined): Credential {
  if (!options.policy) return credential(options, planTokenEnv ?? LEGACY_TOKEN_ENV);
  const router = routerFor(sectionOf(options, httpSwitchPolicy) ?? [], url);
  if (!router) {
    throw ApplicationFailure.nonRetryable(
      `the worker's policy lists no router ${url} for the http switch (routers in bluegreen-worker.yaml): no token is sent`,
      'PolicyRefused',
    );
  }
  return credential(options, router.tokenEnv);
}
