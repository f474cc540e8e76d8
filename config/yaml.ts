// Reading an operator's YAML file (bluegreen.yaml, the worker's policy): a size-capped read, the
// YAML parser's failures and zod's issues as ConfigProblems in the words of the file.
import { readFile, stat } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';

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

export interface CappedFile {
  /** How a read failure names the file, e.g. `the config file`. */
  what: string;
  /** How the size limit names it, e.g. `a config file`. */
  kind: string;
  maxBytes: number;
  /** What a missing file is called. @default 'no such file' */
  missing?: string;
}

/** Reads a regular file of at most `maxBytes`, or throws a ConfigError saying why it cannot be read. */
export async function readCappedFile(path: string, file: CappedFile): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigError(path, [{ path: '', message: 'is not a file' }]);
    if (info.size > file.maxBytes) {
      throw new ConfigError(path, [{ path: '', message: `is ${info.size} bytes; ${file.kind} is at most ${file.maxBytes}` }]);
    }
    return await readFile(path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? (file.missing ?? 'no such file') : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError(path, [{ path: '', message: `cannot read ${file.what}: ${why}` }]);
  }
}

/** YAML errors beyond this many are summed up: a mangled file should not flood the terminal. */
const MAX_YAML_PROBLEMS = 10;

/** YAML text to plain data; any parser failure (syntax, alias bombs, deep nesting) is a ConfigError. */
export function readYaml(text: string, source: string): unknown {
  try {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.some((e) => /Maximum call stack/.test(e.message))) {
      throw new ConfigError(source, [{ path: '', message: 'YAML: cannot read the file: nested too deeply' }]);
    }
    if (doc.errors.length > 0) {
      const problems = doc.errors
        .slice(0, MAX_YAML_PROBLEMS)
        .map((e) => ({ path: '', message: `YAML: ${(e.message.split('\n')[0] ?? '').replace(/:$/, '')}` }));
      if (doc.errors.length > MAX_YAML_PROBLEMS) {
        problems.push({ path: '', message: `YAML: … and ${doc.errors.length - MAX_YAML_PROBLEMS} more errors` });
      }
      throw new ConfigError(source, problems);
    }
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // yaml throws a ReferenceError for excessive aliases; a RangeError for nesting too deep.
    const why = err instanceof RangeError ? 'nested too deeply' : (err as Error).message;
    throw new ConfigError(source, [{ path: '', message: `YAML: cannot read the file: ${why}` }]);
  }
}

/** One zod issue in the words of a YAML file (field path, what was expected, what was given). */
export function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return {
      path,
      message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`,
    };
  }
  if (issue.code === 'invalid_type') {
    const expected = plainWords(issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, ''));
    if (issue.input === undefined) return { path, message: `is required (${expected})` };
    return { path, message: `${expected}, got ${describeValue(issue.input)}` };
  }
  if (issue.code === 'invalid_union') {
    // e.g. monitor.duration (0 or a duration): the branch that explains itself says most.
    const told = issue.errors.flat().find((branch) => branch.code === 'custom');
    if (told) return { path, message: told.message };
    const options = [
      ...new Set(
        issue.errors
          .map((branch) => branch[0]?.message)
          .filter((m): m is string => m !== undefined)
          .map((m) => plainWords(m.replace(/^Invalid input: /, '').replace(/, received \w+$/, '')).replace(/^expected /, '')),
      ),
    ];
    if (options.length > 0) {
      const got = issue.input !== undefined ? `, got ${describeValue(issue.input)}` : '';
      return { path, message: `expected ${options.join(' or ')}${got}` };
    }
  }
  return { path, message: issue.message.replace(/^Invalid input: /, '') };
}

/** A received value in words, for "expected X, got Y". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
  return typeof value;
}

/** zod's type names in the words of a YAML file. */
function plainWords(message: string): string {
  const words: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    number: 'a number',
    int: 'a whole number',
    string: 'text',
    boolean: 'true or false',
  };
  return message.replace(/^expected (\w+)$/, (whole, type: string) => (words[type] ? `expected ${words[type]}` : whole));
}
