// Where the switch activities get their credentials: the worker's policy names the variable
// (a router's tokenEnv, a TSIG key's secretEnv) and the secret store holds its value, read once
// at worker start. A plan never chooses a variable: with a policy, the plan's `tokenEnv` /
// `tsig.secretEnv` are ignored, and a router or key the policy does not list is refused.
import { ApplicationFailure } from '@temporalio/activity';
import { normalizeUrl, urlMatches } from '../contract/patterns.js';
import type { RouterPolicy, WorkerPolicy } from '../worker/policy-schema.js';
import type { SecretStore } from '../worker/secrets.js';

export interface SwitchCredentialOptions {
  /** The worker's policy. Absent (unit tests of one activity): the plan's variable names are used. */
  policy?: WorkerPolicy;
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

/** The router entry the http switch's URL names, if the policy lists it. */
export function routerFor(policy: WorkerPolicy, url: string): RouterPolicy | undefined {
  const wanted = normalizeUrl(url);
  return policy.routers.find((r) => urlMatches(r.url, wanted));
}

function credential(options: SwitchCredentialOptions, envName: string): Credential {
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

/** The bearer token of the router at `url`; refuses a router the policy does not list. */
export function routerToken(options: SwitchCredentialOptions, url: string, planTokenEnv: string | undefined): Credential {
  if (!options.policy) return credential(options, planTokenEnv ?? 'BLUEGREEN_ROUTER_TOKEN');
  const router = routerFor(options.policy, url);
  if (!router) {
    throw ApplicationFailure.nonRetryable(
      `the worker's policy lists no router ${url} for the http switch (routers in bluegreen-worker.yaml): no token is sent`,
      'PolicyRefused',
    );
  }
  return credential(options, router.tokenEnv);
}

/** The TSIG secret of key `keyName`; refuses a key the policy does not list. */
export function tsigSecret(options: SwitchCredentialOptions, keyName: string, planSecretEnv: string): Credential {
  if (!options.policy) return credential(options, planSecretEnv);
  const name = keyName.toLowerCase().replace(/\.$/, '');
  const key = options.policy.dns.keys.find((k) => k.name === name);
  if (!key) {
    throw ApplicationFailure.nonRetryable(
      `the worker's policy has no TSIG key ${keyName} (dns.keys in bluegreen-worker.yaml): the update is not signed or sent`,
      'PolicyRefused',
    );
  }
  return credential(options, key.secretEnv);
}
