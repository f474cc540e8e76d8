// The shipped JSON Schema of bluegreen.yaml (schema/bluegreen.schema.json) is what the zod schema
// derives today, accepts the example configs and catches what editors should flag.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchemaText } from '../client/config-json-schema.js';
import { ROOT } from './support/cli-runner.js';

const shipped = readFileSync(join(ROOT, CONFIG_SCHEMA_FILE), 'utf8');
const validator = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(shipped) as object);
const example = (file: string) => parse(readFileSync(join(ROOT, 'examples', file), 'utf8')) as Record<string, unknown>;

describe('schema/bluegreen.schema.json', () => {
  it('is up to date with the zod schema (regenerate: npx tsx scripts/generate-schema.ts)', () => {
    expect(shipped).toBe(configJsonSchemaText());
  });

  it.each([
    'bluegreen.yaml',
    'bluegreen-metrics.yaml',
    'bluegreen-app-router.yaml',
    'bluegreen-alb.yaml',
    'bluegreen-alb-steps.yaml',
    'bluegreen-route53-steps.yaml',
    'bluegreen-haproxy-steps.yaml',
  ])('accepts examples/%s', (file) => {
    expect(validator(example(file)), JSON.stringify(validator.errors)).toBe(true);
  });

  it('flags an unknown key, a missing required field and a wrong type', () => {
    const config = example('bluegreen.yaml');
    expect(validator({ ...config, verfy: {} })).toBe(false);
    expect(validator.errors?.some((e) => e.keyword === 'additionalProperties')).toBe(true);
    const { publicUrl: _, ...withoutUrl } = config;
    expect(validator(withoutUrl)).toBe(false);
    expect(validator.errors?.some((e) => e.keyword === 'required')).toBe(true);
    expect(validator({ ...config, verify: { successes: 'three' } })).toBe(false);
  });
});
