// The `http` traffic switch's client part (manifest in ./index.ts): config section, plan mapping,
// dry-run text. App-based blue/green: the app router's switch endpoint.
//   switch: { type: http, url: https://router.example.com/switch }
// The router's token variable is the worker's to name (routers[].tokenEnv in bluegreen-worker.yaml),
// never the plan's: a `tokenEnv` here is refused with where it went.
import { z } from 'zod';
import { duration, httpUrl } from '../../config/fields.js';
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
});
