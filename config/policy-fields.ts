// The worker policy's field types that plug-ins' policy sections share (zod): URLs and URL
// prefixes, names of secret variables, and how a plan's URL is matched against a listed one.
// Loaded by the worker, the CLI and the plug-ins' worker parts, never by the workflow bundle.
import { z } from 'zod';
import { globMatches, normalizeUrl, urlMatches } from '../contract/patterns.js';

export { normalizeUrl, urlMatches };

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const envName = (example: string) =>
  z
    .string({ error: `expected the name of an environment variable, like "${example}"` })
    .regex(ENV_NAME, `expected the name of an environment variable (capitals, digits, "_"), like "${example}"`);

/**
 * An http(s) URL without query, fragment or credentials; the trailing slash is dropped. A port
 * of `*` matches any port (a lab on loopback: `http://127.0.0.1:*`); nothing else is a pattern.
 */
export const policyUrl = z
  .string({ error: 'expected a URL like "https://router.internal/switch"' })
  .refine((value) => {
    try {
      const url = new URL(value.replace(/^(https?:\/\/[^/:]+):\*(?=\/|$)/, '$1:1'));
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.search && !url.hash
      );
    } catch {
      return false;
    }
  }, 'expected an http(s) URL without user, query or fragment, like "https://router.internal/switch"')
  .transform((value) => normalizeUrl(value));

/** The index of the first value listed a second time, or -1. */
export const listedTwice = (values: string[]) => values.findIndex((v, i) => values.indexOf(v) !== i);

/** "a, b" or "none", for the lists the error texts show. */
export const listed = (values: readonly string[]) => values.join(', ') || 'none';

/**
 * The services a listed target is for (`services: [datatruck-*]`: `*` and `?` as in the policy's
 * service patterns). Absent: every service the worker serves may name it.
 */
export const servicesField = z
  .array(
    z
      .string()
      .regex(
        /^[a-z0-9.*?_-]{1,63}$/,
        'expected a service name or pattern (lowercase, digits, ".", "_", "-", "*", "?"), like "datatruck-*"',
      ),
  )
  .min(1, 'list at least one service, or leave `services` out to allow every service')
  .max(64)
  .optional();

/** Whether `service` may use a target listed with `services` (absent: any); unknown service: not checked here. */
export const serviceMayUse = (services: readonly string[] | undefined, service: string | undefined): boolean =>
  services === undefined || service === undefined || services.some((pattern) => globMatches(pattern, service));
