// The `http` traffic switch's client part (manifest in ./index.ts): config section, plan mapping,
// dry-run text. App-based blue/green: the app router's switch endpoint.
//   switch: { type: http, url: https://router.example.com/switch }
// The router's token variable is the worker's to name (routers[].tokenEnv in bluegreen-worker.yaml),
// never the plan's: a `tokenEnv` here is refused with where it went.
import { z } from 'zod';
import { checkedBy, duration, httpUrl } from '../../config/fields.js';
import { defineSwitchClient } from '../switch-type.js';
import { noStepsFields } from '../steps-fields.js';
import type { HttpSwitchPlan } from './types.js';

export const httpSwitchClient = defineSwitchClient({
  summary: 'type "http" (with url)',
  schema: z.strictObject({
    type: z.literal('http'),
    url: httpUrl,
    /** Refused: the worker's policy names each router's token variable. */
    tokenEnv: z
      .unknown()
      .optional()
      .refine((value) => value === undefined, {
        message:
          "is no longer set in bluegreen.yaml: the worker's policy names each router's token variable (routers[].tokenEnv in bluegreen-worker.yaml); remove it here",
      }),
    verifyTimeout: duration('2h').prefault('10m'),
    ...noStepsFields,
  }),
  toPlan: (sw): HttpSwitchPlan => ({ type: 'http', url: sw.url, verifyTimeoutMs: sw.verifyTimeout }),
  describe: (sw) => `POST ${sw.url}`,
  init: {
    label: 'http (an app router)',
    flags: [
      {
        flags: '--router-url <url>',
        description: 'the app router switch endpoint (--switch http)',
        question: "App router's switch endpoint URL",
        check: checkedBy(httpUrl),
      },
    ],
    config: (answers) => ({ type: 'http' as const, url: answers['--router-url'] ?? '' }),
    // The router's token stays with the worker: the policy names the variable holding it.
    policy: (answers) => ({
      sections: { routers: [{ url: answers['--router-url'], tokenEnv: 'BLUEGREEN_ROUTER_TOKEN' }] },
      notes: ['and the router token in BLUEGREEN_ROUTER_TOKEN.'],
      env: { BLUEGREEN_ROUTER_TOKEN: 'checked-by-init' },
    }),
  },
});
