// Loads and validates bluegreen.yaml: the only place on the operator's side that reads
// files and environment variables. Every problem is reported at once, with its path.
import type { z } from 'zod';
import { configSchema, type BlueGreenConfig } from './config-schema.js';
import { crossFieldProblems, viewOfConfig, viewOfRaw } from './config-cross-field.js';
import { dnsConfigProblems } from './dns-config-schema.js';
import { analysisConfigProblems } from './analysis-schema.js';
import { pathAsWritten, readRenamedFields } from './config-renames.js';
import { notifyConfigProblems } from './notify-config-schema.js';
import { SWITCH_TYPES, SWITCH_UNION_HINT, switchConfigProblems } from '../switches/client.js';
import { didYouMean } from '../config/did-you-mean.js';
import { locateProblems } from '../config/positions.js';
import {
  ConfigError,
  describeValue,
  readCappedFile,
  readYaml,
  readYamlDocument,
  toProblem as fieldProblem,
  toProblems,
  type CappedFile,
  type ConfigProblem,
} from '../config/yaml.js';

export { ConfigError, readCappedFile, readYaml, type CappedFile, type ConfigProblem };

export const MAX_CONFIG_BYTES = 256 * 1024;

/** Where a renamed field's notice goes (the CLI's stderr). */
export type ConfigNotice = (message: string) => void;
const toStderr: ConfigNotice = (message) => process.stderr.write(`${message}\n`);

export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  notice: ConfigNotice = toStderr,
): Promise<BlueGreenConfig> {
  const bytes = await readCappedFile(path, { what: 'the config file', kind: 'a config file', maxBytes: MAX_CONFIG_BYTES });
  return parseConfigText(bytes, path, env, notice);
}

export function parseConfigText(
  bytes: Uint8Array | string,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
  notice: ConfigNotice = toStderr,
): BlueGreenConfig {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(source, [{ path: '', message: `is ${size} bytes; a config file is at most ${MAX_CONFIG_BYTES}` }]);
  }
  let text: string;
  if (typeof bytes === 'string') text = bytes;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ConfigError(source, [{ path: '', message: 'is not valid UTF-8 text' }]);
    }
  }
  const { value: raw, doc, counter } = readYamlDocument(text, source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [
      { path: '', message: 'expected a YAML mapping with service, github, publicUrl, environments' },
    ]);
  }
  const problems: ConfigProblem[] = [];
  const renamed = readRenamedFields(raw as Record<string, unknown>);
  for (const text of renamed.notices) notice(`${source}: ${text}`);
  problems.push(...renamed.problems);
  const interpolated = interpolateEnv(renamed.config, env, [], problems);
  // reportInput: a wrong type is told apart from a missing field by the value it received.
  const result = configSchema.safeParse(interpolated, { reportInput: true });
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => toProblems(issue, configSchema, toProblem)));
  // Cross-field rules run on whatever parsed, so they are reported with the other problems.
  problems.push(...crossFieldProblems(result.success ? viewOfConfig(result.data) : viewOfRaw(interpolated)));
  if (result.success) {
    problems.push(
      ...switchConfigProblems(result.data),
      ...dnsConfigProblems(result.data),
      ...analysisConfigProblems(result.data),
      ...notifyConfigProblems(result.data),
    );
  }
  if (problems.length > 0 || !result.success) {
    const asWritten = problems.map((p) => ({ ...p, path: pathAsWritten(p.path, renamed.usedOldNames) }));
    // In file order, each with its line and column: as a person reads the file.
    throw new ConfigError(source, locateProblems(asWritten, doc, counter));
  }
  return result.data;
}

/** Replaces ${VAR} in every string value; a missing variable is a problem, not an empty string. */
function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[], problems: ConfigProblem[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problems.push({ path: path.join('.'), message: `environment variable ${name} is not set (referenced as \${${name}})` });
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key], problems)]),
    );
  }
  return value;
}

/** One zod issue of bluegreen.yaml in its words; a switch no type fits names the registered types. */
export function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.map(String).join('.');
  // A type no switch registers (zod reports it at switch.type) or a section no type fits: the registered types.
  if (issue.code === 'invalid_union' && (path === 'switch' || path === 'switch.type')) {
    // zod hands over the whole section; the type is what no switch matched.
    const type = path === 'switch.type' ? (issue.input as { type?: unknown } | undefined)?.type : undefined;
    const got = type !== undefined ? `, got ${describeValue(type)}` : '';
    const guess = typeof type === 'string' ? didYouMean(type, SWITCH_TYPES) : '';
    return { path, message: `${SWITCH_UNION_HINT}${got}${guess}` };
  }
  return fieldProblem(issue);
}
