// Where the switch activities get their credentials: the worker's policy names the variable (in
// the switch type's own policy section, switches/<type>/policy.ts) and the secret store holds its
// value, read once at worker start. A plan never chooses a variable: with a policy, a plan's
// variable names are ignored, and a target the policy does not list is refused.
import type { z } from 'zod';
import type { SecretStore } from '../contract/plugin.js';

export interface SwitchCredentialOptions {
  /**
   * The worker's policy, by section (each switch type reads its own, `sectionOf`). Absent (unit
   * tests of one activity): the plan's variable names are used.
   */
  policy?: { readonly [key: string]: unknown };
  /** Secrets read at worker start. @default read from `env` */
  secrets?: SecretStore;
  /** Where secrets are read without a store. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface Credential {
  /** The variable it came from (named in errors, never the value). */
  envName: string;
  value: string | undefined;
  /** The text with the value (and each line of it) replaced. */
  redact(text: string): string;
}

/** A switch type's own section of the worker's policy (its policy part's `policy.key`), as parsed. */
export function sectionOf<S extends z.ZodType>(
  options: SwitchCredentialOptions,
  part: { policy?: { key: string; section: S } },
): z.output<S> | undefined {
  return part.policy && options.policy ? (options.policy[part.policy.key] as z.output<S> | undefined) : undefined;
}

/** The secret held by `envName` (a variable the policy names), with a redactor for error texts. */
export function credential(options: SwitchCredentialOptions, envName: string): Credential {
  const value = options.secrets ? options.secrets.find(envName) : (options.env ?? process.env)[envName];
  const redact = (text: string) => {
    if (options.secrets) return options.secrets.redact(text);
    let out = text;
    for (const piece of [value, ...(value ?? '').split(/\r?\n/)])
      if (piece && piece.trim().length >= 8) out = out.split(piece.trim()).join(`[secret ${envName}]`);
    return out;
  };
  return { envName, value, redact };
}
