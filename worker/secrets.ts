// The worker's secret store: every secret is read ONCE at worker start from the environment
// variable that names it, then deleted from the environment, so nothing later (a plan naming
// `GITHUB_TOKEN` as a router token, a child process, an error dump of process.env) finds it
// there. Activities receive the store by injection. It never prints a value: inspecting,
// stringifying or logging it shows only the variable names, and `redact()` removes every
// value (and every line of a multi-line value, such as a PEM key) from a text before it
// becomes an error message.
import { inspect } from 'node:util';
import type { SecretStore } from '../contract/plugin.js';

export type { SecretStore };

export class SecretMissingError extends Error {
  constructor(readonly envName: string) {
    super(`the worker has no secret ${envName}: set ${envName} in the worker's environment and restart it`);
    this.name = 'SecretMissingError';
  }
}

/** Pieces shorter than this are not redacted on their own: "a" would mangle every text. */
const MIN_REDACTED_LENGTH = 8;

/**
 * Reads `names` from `env` (empty values count as unset), deletes them from `env` when `remove`
 * (the default), and returns the store.
 */
export function takeSecrets(
  names: Iterable<string>,
  env: NodeJS.ProcessEnv = process.env,
  remove = true,
  /** Secrets that did not come from a variable (a key read from a file), kept for redaction. */
  extra: Record<string, string> = {},
): SecretStore {
  const values = new Map<string, string>(Object.entries(extra));
  for (const name of new Set(names)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '' && !values.has(name)) values.set(name, value);
    if (remove) delete env[name];
  }
  return secretStore(values);
}

/** A store over given values (tests, and the worker's own credentials). */
export function secretStore(values: Map<string, string> | Record<string, string>): SecretStore {
  const map = values instanceof Map ? new Map(values) : new Map(Object.entries(values));
  // Longest first, so a value that contains another is replaced whole.
  const pieces = (): Array<[string, string]> =>
    [...map]
      .flatMap(([name, value]): Array<[string, string]> => [
        [value, name],
        [value.trim(), name],
        ...value
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line.length >= MIN_REDACTED_LENGTH)
          .map((line): [string, string] => [line, name]),
      ])
      .filter(([piece]) => piece.length >= MIN_REDACTED_LENGTH)
      .sort((a, b) => b[0].length - a[0].length);
  const store: SecretStore & { toJSON(): unknown } = {
    get(name) {
      const value = map.get(name);
      if (value === undefined) throw new SecretMissingError(name);
      return value;
    },
    find: (name) => map.get(name),
    has: (name) => map.has(name),
    names: () => [...map.keys()],
    redact(text) {
      let out = text;
      for (const [piece, name] of pieces()) out = out.split(piece).join(`[secret ${name}]`);
      return out;
    },
    toJSON: () => ({ secrets: [...map.keys()] }),
  };
  Object.defineProperty(store, inspect.custom, { value: () => `SecretStore(${[...map.keys()].join(', ')})` });
  return Object.freeze(store);
}
