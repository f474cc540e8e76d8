// Request-body checks with GitHub's wording for invalid requests.
import { isRecord } from '../http.js';
import { unprocessable } from './errors.js';

export function objectBody(body: unknown, documentationUrl?: string): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isRecord(body)) throw unprocessable('Invalid request.\n\nInvalid input: object is expected.', documentationUrl);
  return body;
}

export function requiredString(body: Record<string, unknown>, key: string, documentationUrl?: string): string {
  const value = body[key];
  if (value === undefined || value === null)
    throw unprocessable(`Invalid request.\n\n"${key}" wasn't supplied.`, documentationUrl);
  return optionalString(body, key, documentationUrl)!;
}

/** An optional field of one JSON type: absent or null is undefined, another type a 422 in GitHub's words. */
const optionalOf =
  <T extends string | boolean>(type: 'string' | 'boolean') =>
  (body: Record<string, unknown>, key: string, documentationUrl?: string): T | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== type)
      throw unprocessable(`Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a ${type}.`, documentationUrl);
    return value as T;
  };

export const optionalString = optionalOf<string>('string');
export const optionalBoolean = optionalOf<boolean>('boolean');

/**
 * The optional fields named in `keys` (`{ ourName: 'json_key' }`), read in that order with `read`:
 * absent ones stay absent, one of another type is the 422 of the first it meets.
 */
const optionalFieldsOf =
  <T>(read: (body: Record<string, unknown>, key: string, documentationUrl?: string) => T | undefined) =>
  <K extends string>(
    body: Record<string, unknown>,
    keys: Record<K, string>,
    documentationUrl?: string,
  ): Partial<Record<K, T>> => {
    const fields: Partial<Record<K, T>> = {};
    for (const [name, key] of Object.entries(keys) as Array<[K, string]>) {
      const value = read(body, key, documentationUrl);
      if (value !== undefined) fields[name] = value;
    }
    return fields;
  };

export const optionalStrings = optionalFieldsOf(optionalString);
export const optionalBooleans = optionalFieldsOf(optionalBoolean);
