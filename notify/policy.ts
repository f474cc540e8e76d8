// The worker policy's `notifications` section, derived from the channel types (notify/registry.ts):
// each entry is a name, a registered type, and that type's own fields (checked by its manifest's
// strict schema, so a field another type uses is refused). Loaded by the worker and the CLI.
import { z } from 'zod';
import { orList } from '../contract/format.js';
import type { ChannelManifest } from './channel-type.js';
import { CHANNELS } from './registry.js';
import { channelTypeOf, CHANNEL_TYPES, type ChannelType } from './channels.js';

type Channel = (typeof CHANNELS)[number];
/** One channel entry of the policy: its name, its type, and that type's fields. */
export type ChannelEntry = {
  [C in Channel as C['type']]: { name: string; type: C['type'] } & z.output<C['entry']>;
}[ChannelType];

const channelEntry = z
  .looseObject({
    /** What bluegreen.yaml calls it, e.g. "qa-slack". */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'channel names are lowercase letters, digits and dashes'),
    /** A registered channel type (notify/registry.ts). */
    type: z.enum(CHANNEL_TYPES as unknown as [ChannelType, ...ChannelType[]], {
      error: `expected ${orList(CHANNEL_TYPES.map((t) => `"${t}"`))}`,
    }),
  })
  .transform((entry, ctx) => {
    const { name, type, ...fields } = entry;
    const manifest = channelTypeOf(type) as ChannelManifest;
    const result = manifest.entry.safeParse(fields);
    if (!result.success) {
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
      return z.NEVER;
    }
    return { name, type, ...(result.data as object) } as ChannelEntry;
  });

/**
 * Notification channels (docs/notifications.md): bluegreen.yaml names them in `notify` and
 * `approval.escalateTo`; their URLs and signing keys stay here, on the worker, as the names of
 * the variables that hold them.
 */
export const notificationsSection = z.array(channelEntry).max(64).default([]);

/** The secret variables a channel entry names, with their policy path. */
export function channelSecretFields(entry: ChannelEntry, at: string): Array<{ path: string; envName: string }> {
  const manifest = channelTypeOf(entry.type);
  return Object.values(manifest?.secrets ?? {}).flatMap(({ field }) => {
    const value = (entry as Record<string, unknown>)[field];
    return typeof value === 'string' ? [{ path: `${at}.${field}`, envName: value }] : [];
  });
}
