// The `haproxy` traffic switch's client part (manifest in ./index.ts): config section, plan
// mapping, dry-run text. docs/switches.md.
//   switch:
//     type: haproxy
//     socket: /run/haproxy/admin.sock
//     backend: app
//     servers: { blue: blue, green: green }   # the default
import { z } from 'zod';
import { duration } from '../../config/fields.js';
import { defineSwitchClient } from '../switch-type.js';
import { stepsConfigFields, stepsPlan } from '../steps-fields.js';
import type { HaproxySwitchPlan } from './types.js';

const haproxyName = (what: string) =>
  z
    .string({ error: `expected the ${what}'s name` })
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, `expected the ${what}'s name (letters, digits and -_.:)`);

export const haproxySwitchClient = defineSwitchClient({
  summary: 'type "haproxy" (with socket and backend)',
  schema: z.strictObject({
    type: z.literal('haproxy'),
    socket: z
      .string({ error: 'expected the Runtime API socket path, like "/run/haproxy/admin.sock"' })
      .regex(/^\/\S{1,106}$/, 'expected the Runtime API socket path, like "/run/haproxy/admin.sock"'),
    backend: haproxyName('backend'),
    servers: z
      .strictObject({ blue: haproxyName('blue server'), green: haproxyName('green server') })
      .default({ blue: 'blue', green: 'green' }),
    updateTimeout: duration('1h').prefault('1m'),
    verifyTimeout: duration('2h').prefault('2m'),
    ...stepsConfigFields,
  }),
  toPlan: (sw): HaproxySwitchPlan => ({
    type: 'haproxy',
    socket: sw.socket,
    backend: sw.backend,
    servers: sw.servers,
    updateTimeoutMs: sw.updateTimeout,
    verifyTimeoutMs: sw.verifyTimeout,
    ...stepsPlan(sw),
  }),
  describe: (sw) =>
    `HAProxy ${sw.socket}: set server weights of ${sw.backend}/${sw.servers.blue} and ${sw.backend}/${sw.servers.green}`,
});
