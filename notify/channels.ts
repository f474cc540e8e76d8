// Notification channels as the worker knows them: a name (what bluegreen.yaml refers to), a type
// (notify/registry.ts), and the names of the secrets its type reads (its URL, a signing key…). The
// values are read on the worker only, when a message is sent; they never enter a plan, a history
// or a status.
import { CHANNELS } from './registry.js';
import type { ChannelManifest } from './channel-type.js';

export const CHANNEL_TYPES = CHANNELS.map((c) => c.type) as unknown as readonly ChannelType[];
export type ChannelType = (typeof CHANNELS)[number]['type'];

/** A channel in the worker policy: secret *names* by role (`url`, and the type's own), not values. */
export interface ChannelSpec {
  type: ChannelType;
  secrets: Record<string, string>;
}

/** A channel ready to send to: the secret values resolved, by role. */
export interface ResolvedChannel {
  name: string;
  type: ChannelType;
  secrets: Record<string, string>;
}

/** Reads a named secret on the worker (the policy's secrets store; environment variables by default). */
export type SecretReader = (name: string) => string | undefined;

export const envSecrets =
  (env: NodeJS.ProcessEnv = process.env): SecretReader =>
  (name) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

/** The registered channel type, or undefined. */
export function channelTypeOf(type: string): ChannelManifest | undefined {
  return (CHANNELS as readonly ChannelManifest[]).find((c) => c.type === type);
}

/** Why a channel cannot be used, in words for a status or a validate run (never a secret value). */
export function channelProblem(name: string, specs: Record<string, ChannelSpec>, secret: SecretReader): string | undefined {
  const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (!spec) {
    const known = Object.keys(specs);
    return `no channel "${name}" in the worker policy (${known.length > 0 ? `known: ${known.join(', ')}` : 'it declares no channels'})`;
  }
  const type = channelTypeOf(spec.type);
  if (!type) return `channel "${name}": unknown type "${spec.type}" (known: ${CHANNEL_TYPES.join(', ')})`;
  for (const [role, { field, what }] of Object.entries(type.secrets)) {
    const variable = spec.secrets[role];
    if (variable === undefined || secret(variable) === undefined)
      return `channel "${name}": secret ${variable ?? `(${field})`} (${what}) is not set on the worker`;
  }
  return undefined;
}

/** The channel with its secrets, or an error saying what is missing. */
export function resolveChannel(name: string, specs: Record<string, ChannelSpec>, secret: SecretReader): ResolvedChannel | string {
  const problem = channelProblem(name, specs, secret);
  if (problem) return problem;
  const spec = specs[name]!;
  return {
    name,
    type: spec.type,
    secrets: Object.fromEntries(Object.entries(spec.secrets).map(([role, variable]) => [role, secret(variable)!])),
  };
}

/** The channels of the worker policy's `notifications` section, by name. */
export function channelsFromPolicy(
  entries: readonly ({ name: string; type: ChannelType } & Record<string, unknown>)[],
): Record<string, ChannelSpec> {
  return Object.fromEntries(
    entries.map((entry) => {
      const secrets = Object.entries(channelTypeOf(entry.type)?.secrets ?? {}).flatMap(([role, { field }]) =>
        typeof entry[field] === 'string' ? [[role, entry[field] as string]] : [],
      );
      return [entry.name, { type: entry.type, secrets: Object.fromEntries(secrets) }];
    }),
  );
}
