// bluegreen.yaml as a JSON Schema, derived from the zod schema, for editors (the
// `# yaml-language-server: $schema=…` line `bluegreen init` writes). The shipped copy is
// schema/bluegreen.schema.json (`npx tsx scripts/generate-schema.ts`; a test keeps it in step).
import { z } from 'zod';
import { configSchema } from './config-schema.js';

/** Where editors find the schema of this version: the published package's copy. */
export const configSchemaUrl = (version: string): string =>
  `https://unpkg.com/@bluegreen-dev/bluegreen@${version}/schema/bluegreen.schema.json`;

/** Path of the shipped copy, relative to the package root. */
export const CONFIG_SCHEMA_FILE = 'schema/bluegreen.schema.json';

// Formats JSON Schema defines; zod also writes its own (`starts_with`), which editors would flag.
const STANDARD_FORMATS = new Set(['uri', 'email', 'date', 'date-time', 'time', 'duration', 'uuid', 'ipv4', 'ipv6', 'regex']);

function dropOwnFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropOwnFormats);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== 'format' || (typeof value === 'string' && STANDARD_FORMATS.has(value)))
      .map(([key, value]) => [key, dropOwnFormats(value)]),
  );
}

/**
 * The schema of what a person writes (zod's input side: durations as "5m", defaults optional).
 * Rules zod checks in code (cross-field rules, placeholders) stay with `bluegreen validate`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = dropOwnFormats(generated) as Record<string, unknown>;
  return {
    $schema,
    title: 'bluegreen.yaml',
    description: 'A service deployed blue/green by bluegreen (docs/cli.md; `bluegreen validate` checks every rule).',
    ...rest,
  };
}

/** The file's text: stable key order as generated, two-space indent, a final newline. */
export const configJsonSchemaText = (): string => `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
