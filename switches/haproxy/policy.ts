// The `haproxy` switch's worker part (manifest in ./index.ts): the Runtime API sockets, and the
// backends behind each, the worker's policy lets a plan reweight (`haproxy:`). An admin-level
// socket can change anything in that HAProxy, so the worker, not the plan, decides which it opens.
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import { listed, listedTwice, serviceMayUse, servicesField } from '../../config/policy-fields.js';
import { sectionOf, type SwitchCredentialOptions } from '../credentials.js';
import type { HaproxySwitchPlan, HaproxySwitchTarget } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';
import { stepsBounds, stepsPlanFields } from '../steps-fields.js';

export const haproxyPolicySection = z
  .strictObject({
    /** Runtime API sockets a plan may use, each with the backends it may reweight (empty: any). @default [] */
    sockets: z
      .array(
        z.strictObject({
          path: z.string().regex(/^\/\S{1,106}$/, 'expected an absolute socket path, like "/run/haproxy/admin.sock"'),
          backends: z
            .array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/))
            .max(256)
            .default([]),
          /** The services whose plans may use this socket. @default every service */
          services: servicesField,
        }),
      )
      .max(64)
      .default([]),
  })
  .prefault({});
export type HaproxyPolicy = z.output<typeof haproxyPolicySection>;

const EMPTY: HaproxyPolicy = { sockets: [] };

export function haproxyProblems(target: HaproxySwitchTarget, section: HaproxyPolicy, at: string, service?: string): string[] {
  const socket = section.sockets.find((s) => s.path === target.socket);
  if (!socket) {
    return [
      `${at}.socket: the worker's policy does not list HAProxy socket ${target.socket} (haproxy.sockets: ${listed(section.sockets.map((s) => s.path))})`,
    ];
  }
  if (!serviceMayUse(socket.services, service)) {
    return [
      `${at}.socket: the worker's policy lists HAProxy socket ${socket.path} for ${socket.services!.join(', ')} only (haproxy.sockets[].services), not for ${service}`,
    ];
  }
  if (socket.backends.length > 0 && !socket.backends.includes(target.backend)) {
    return [
      `${at}.backend: the worker's policy lets plans reweight only ${socket.backends.join(', ')} at ${socket.path} (haproxy.sockets[].backends)`,
    ];
  }
  if (target.servers.blue === target.servers.green) return [`${at}.servers: blue and green name the same server`];
  return [];
}

export const haproxySwitchPolicy = definePolicyPart<HaproxySwitchPlan>()({
  type: 'haproxy',
  plan: z.strictObject({
    type: z.literal('haproxy'),
    socket: z.string().max(200),
    backend: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
    servers: z.strictObject({
      blue: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
      green: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
    }),
    updateTimeoutMs: z.int().min(0),
    verifyTimeoutMs: z.int().min(0),
    ...stepsPlanFields,
  }),
  policy: { key: 'haproxy', section: haproxyPolicySection },
  bounds: {
    ...stepsBounds,
    maxUpdateTimeoutMs: {
      field: 'updateTimeoutMs',
      limit: 'max',
      default: 3_600_000,
      what: 'how long a failing HAProxy update is retried (ms)',
    },
    maxVerifyTimeoutMs,
  },
  problems: (step, { section = EMPTY, at, plan }) => haproxyProblems(step, section, at, plan.service),
  touches: (step) => ({
    urls: [],
    credentials: [],
    targets: [`haproxy socket ${step.socket}`, `haproxy backend ${step.backend}`],
  }),
  sectionProblems(section) {
    const twice = listedTwice(section.sockets.map((s) => s.path));
    return twice < 0
      ? []
      : [{ path: `haproxy.sockets.${twice}.path`, message: `socket ${section.sockets[twice]!.path} is listed twice` }];
  },
});

/** Refuses (not retryable) a socket or backend the worker's policy does not list. */
export function haproxyAccess(options: SwitchCredentialOptions, target: HaproxySwitchTarget): void {
  if (!options.policy) return;
  const problems = haproxyProblems(target, sectionOf(options, haproxySwitchPolicy) ?? EMPTY, 'switch');
  if (problems.length) throw ApplicationFailure.nonRetryable(problems.join('; '), 'PolicyRefused');
}
