// The `http` traffic switch (app-based blue/green): the app router's switch endpoint.
//   switch: { type: http, url: https://router.example.com/switch, tokenEnv: BLUEGREEN_ROUTER_TOKEN }
import { z } from 'zod';
import { duration, httpUrl } from '../../client/config-fields.js';
import { defineSwitch } from '../switch-type.js';
import type { HttpSwitchPlan } from './types.js';

export const httpSwitch = defineSwitch({
  type: 'http',
  summary: 'type "http" (with url, tokenEnv)',
  schema: z.strictObject({
    type: z.literal('http'),
    url: httpUrl,
    tokenEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, like "ROUTER_TOKEN"')
      .default('BLUEGREEN_ROUTER_TOKEN'),
    verifyTimeout: duration('2h').prefault('10m'),
  }),
  toPlan: (sw): HttpSwitchPlan => ({ type: 'http', url: sw.url, tokenEnv: sw.tokenEnv, verifyTimeoutMs: sw.verifyTimeout }),
  describe: (sw) => `POST ${sw.url}`,
});
