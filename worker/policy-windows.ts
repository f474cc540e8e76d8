// The `windows` section of the worker policy (bluegreen-worker.yaml): switch windows and
// freezes per service, which every deployment on this worker obeys whatever its bluegreen.yaml
// says (that file can only add its own). Same entry shapes as bluegreen.yaml's:
//
//   windows:
//     - match: "datatruck-*"
//       windows: [{ days: mon-thu, hours: "08:00-18:00", timeZone: Europe/Berlin }]
//       freezes: [{ from: 2026-12-21, until: 2027-01-04, reason: "year-end freeze", timeZone: Europe/Berlin }]
//
// Every entry whose `match` fits the service applies; each entry's windows are alternatives of
// their own (policy windows[0], windows[1] … must each have one open), freezes add up.
import { z } from 'zod';
import { freezesList, switchWindowsList } from '../config/resilience-schema.js';
import type { Freeze, SwitchWindow } from '../contract/windows.js';

export const windowsPolicyEntry = z.strictObject({
  /** Service name or pattern (`*` any characters, `?` one). @example "datatruck-*" */
  match: z
    .string({ error: 'expected a service name or pattern, like "datatruck-api" or "datatruck-*"' })
    .regex(
      /^[a-z0-9.*?_-]{1,63}$/,
      'expected a service name or pattern (lowercase, digits, ".", "_", "-", "*", "?"), like "datatruck-*"',
    ),
  /** When its services may switch; empty: any time (its freezes still apply). @default [] */
  windows: switchWindowsList,
  /** When its services never switch. @default [] */
  freezes: freezesList,
});

export const windowsPolicySection = z.array(windowsPolicyEntry).max(256).default([]);
export type WindowsPolicy = z.output<typeof windowsPolicySection>;

const matches = (pattern: string, service: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(service);

/** The policy's windows and freezes for a service, each labelled with the entry it comes from. */
export function policySwitchSchedule(policy: WindowsPolicy, service: string): { windows: SwitchWindow[]; freezes: Freeze[] } {
  const windows: SwitchWindow[] = [];
  const freezes: Freeze[] = [];
  policy.forEach((entry, i) => {
    if (!matches(entry.match, service)) return;
    const source = `the worker policy (windows[${i}], ${entry.match})`;
    for (const w of entry.windows) windows.push({ ...w, source });
    for (const f of entry.freezes) freezes.push({ ...f, source: 'worker policy' });
  });
  return { windows, freezes };
}
