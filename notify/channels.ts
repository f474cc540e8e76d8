// Notification channels as the worker knows them: a name (what bluegreen.yaml refers to), a type,
// and the names of the secrets that hold its webhook URL and signing key. The values are read on
// the worker only, when a message is sent; they never enter a plan, a history or a status.

export const CHANNEL_TYPES = ['slack', 'teams', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A channel in the worker policy: secret *names*, not values. */
export interface ChannelSpec {
  type: ChannelType;
  /** Name of the secret holding the incoming-webhook URL (a Slack, Teams or receiver URL). */
  urlSecret: string;
  /** webhook only: name of the secret the body is signed with (HMAC-SHA256). */
  signingSecret?: string;
}

/** A channel ready to send to: the secret values resolved. */
export interface ResolvedChannel {
  name: string;
  type: ChannelType;
  url: string;
  signingKey?: string;
}

/** Reads a named secret on the worker (the policy's secrets store; environment variables by default). */
export type SecretReader = (name: string) => string | undefined;

export const envSecrets =
  (env: NodeJS.ProcessEnv = process.env): SecretReader =>
  (name) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

/** Why a channel cannot be used, in words for a status or a validate run (never a secret value). */
export function channelProblem(name: string, specs: Record<string, ChannelSpec>, secret: SecretReader): string | undefined {
  const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (!spec) {
    const known = Object.keys(specs);
    return `no channel "${name}" in the worker policy (${known.length > 0 ? `known: ${known.join(', ')}` : 'it declares no channels'})`;
  }
  if (secret(spec.urlSecret) === undefined)
    return `channel "${name}": secret ${spec.urlSecret} (its URL) is not set on the worker`;
  if (spec.type === 'webhook' && (!spec.signingSecret || secret(spec.signingSecret) === undefined)) {
    return `channel "${name}": secret ${spec.signingSecret ?? '(signingSecret)'} (its signing key) is not set on the worker`;
  }
  return undefined;
}

/** The channel with its secrets, or an error saying what is missing. */
export function resolveChannel(name: string, specs: Record<string, ChannelSpec>, secret: SecretReader): ResolvedChannel | string {
  const problem = channelProblem(name, specs, secret);
  if (problem) return problem;
  const spec = specs[name]!;
  const signingKey = spec.signingSecret ? secret(spec.signingSecret) : undefined;
  return { name, type: spec.type, url: secret(spec.urlSecret)!, ...(signingKey ? { signingKey } : {}) };
}

/** The channels of the worker policy's `notifications` section, by name. */
export function channelsFromPolicy(
  entries: readonly { name: string; type: ChannelType; secretEnv: string; signingSecretEnv?: string | undefined }[],
): Record<string, ChannelSpec> {
  return Object.fromEntries(
    entries.map((c) => [
      c.name,
      { type: c.type, urlSecret: c.secretEnv, ...(c.signingSecretEnv ? { signingSecret: c.signingSecretEnv } : {}) },
    ]),
  );
}
