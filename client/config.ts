// Loads and validates bluegreen.yaml: the only place on the operator's side that reads
// files and environment variables. Every problem is reported at once, with its path.
import { readFile, stat } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type BlueGreenConfig } from './config-schema.js';

export const MAX_CONFIG_BYTES = 256 * 1024;

export interface ConfigProblem {
  /** Dotted path of the field, e.g. "environments.green.url"; "" for the whole file. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `  - ${p.path || '(file)'}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<BlueGreenConfig> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigError(path, [{ path: '', message: 'is not a file' }]);
    if (info.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(path, [{ path: '', message: `is ${info.size} bytes; a config file is at most ${MAX_CONFIG_BYTES}` }]);
    }
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError(path, [{ path: '', message: `cannot read the config file: ${why}` }]);
  }
  return parseConfigText(bytes, path, env);
}

export function parseConfigText(bytes: Uint8Array | string, source: string, env: NodeJS.ProcessEnv = process.env): BlueGreenConfig {
  let text: string;
  if (typeof bytes === 'string') text = bytes;
  else {
    if (bytes.byteLength > MAX_CONFIG_BYTES) {
      throw new ConfigError(source, [{ path: '', message: `is ${bytes.byteLength} bytes; a config file is at most ${MAX_CONFIG_BYTES}` }]);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ConfigError(source, [{ path: '', message: 'is not valid UTF-8 text' }]);
    }
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '', message: 'expected a YAML mapping with service, github, publicUrl, environments' }]);
  }
  const problems: ConfigProblem[] = [];
  const interpolated = interpolateEnv(raw, env, [], problems);
  const result = configSchema.safeParse(interpolated);
  if (!result.success) problems.push(...result.error.issues.map(toProblem));
  else problems.push(...crossFieldProblems(result.data));
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
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

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, message: `is required (${issue.message.replace(/^Invalid input: /, '')})` };
  }
  if (issue.code === 'invalid_union' && path === 'switch') {
    return { path, message: 'expected type "workflow" (with workflow, ref) or type "http" (with url, tokenEnv)' };
  }
  return { path, message: issue.message.replace(/^Invalid input: /, '') };
}

function crossFieldProblems(config: BlueGreenConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { green, blue } = config.environments;
  if (green.branch === blue.branch) {
    problems.push({ path: 'environments.blue.branch', message: `green and blue use the same branch "${blue.branch}": each color needs its own` });
  }
  if (green.url === blue.url) {
    problems.push({ path: 'environments.blue.url', message: 'green and blue have the same URL: each color needs its own environment' });
  }
  if (green.deployWorkflow === blue.deployWorkflow) {
    problems.push({
      path: 'environments.blue.deployWorkflow',
      message: `green and blue dispatch the same workflow "${blue.deployWorkflow}": each color deploys with its own`,
    });
  }
  if (config.approval.required && config.approval.approvers.length === 0) {
    problems.push({ path: 'approval.approvers', message: 'approval is required but nobody may approve: list at least one approver, or set approval.required: false' });
  }
  if (config.monitor.duration !== 0 && config.monitor.interval > config.monitor.duration) {
    problems.push({ path: 'monitor.interval', message: 'is longer than monitor.duration: no probe would run' });
  }
  const names = [...config.hooks.preSwitch, ...config.hooks.postSync].map((h) => h.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) problems.push({ path: 'hooks', message: `hook name "${duplicate}" is used twice: names must be unique` });
  return problems;
}
