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
  if (typeof value !== 'string')
    throw unprocessable(`Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a string.`, documentationUrl);
  return value;
}

export function optionalString(body: Record<string, unknown>, key: string, documentationUrl?: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw unprocessable(`Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a string.`, documentationUrl);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, key: string, documentationUrl?: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw unprocessable(`Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a boolean.`, documentationUrl);
  return value;
}
