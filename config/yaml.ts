// Reading an operator's YAML file (bluegreen.yaml, the worker's policy): a size-capped read, the
// YAML parser's failures and zod's issues as ConfigProblems in the words of the file.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { knownKeysAt } from './schema-keys.js';

export interface ConfigProblem {
  /** Dotted path of the field, e.g. "environments.green.url"; "" for the whole file. */
  path: string;
  message: string;
  /** Where in the file (1-based), when the field or the mapping it is missing from is there (config/positions.ts). */
  line?: number;
  column?: number;
  /** The path names a key the schema does not know (its position is the key's). */
  unknownKey?: true;
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
  return readYamlDocument(text, source).value;
}

/** The data, and the document and line counter that tell where each value came from. */
export function readYamlDocument(text: string, source: string): { value: unknown; doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  try {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: counter });
    if (doc.errors.some((e) => /Maximum call stack/.test(e.message))) {
      throw new ConfigError(source, [{ path: '', message: 'YAML: cannot read the file: nested too deeply' }]);
    }
    if (doc.errors.length > 0) {
      const problems: ConfigProblem[] = doc.errors.slice(0, MAX_YAML_PROBLEMS).map((e) => ({
        path: '',
        message: `YAML: ${(e.message.split('\n')[0] ?? '').replace(/:$/, '').replace(/ at line \d+, column \d+$/, '')}`,
        ...(e.linePos?.[0] ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
      }));
      if (doc.errors.length > MAX_YAML_PROBLEMS) {
        problems.push({ path: '', message: `YAML: … and ${doc.errors.length - MAX_YAML_PROBLEMS} more errors` });
      }
      throw new ConfigError(source, problems);
    }
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, doc, counter };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // yaml throws a ReferenceError for excessive aliases; a RangeError for nesting too deep.
    const why = err instanceof RangeError ? 'nested too deeply' : (err as Error).message;
    throw new ConfigError(source, [{ path: '', message: `YAML: cannot read the file: ${why}` }]);
  }
}

/**
 * One zod issue as problems in the words of a YAML file: one per unknown key, each with the
 * closest key the schema knows there ("did you mean …"); else as toProblem says it.
 */
export function toProblems(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  fieldProblem: (issue: z.core.$ZodIssue) => ConfigProblem = toProblem,
): ConfigProblem[] {
  if (issue.code !== 'unrecognized_keys') return [fieldProblem(issue)];
  const known = knownKeysAt(schema, issue.path as (string | number)[]);
  const hint = (key: string) =>
    didYouMean(key, known) ||
    (known.length > 0 && known.length <= 8 ? ` (known here: ${known.join(', ')})` : ' (check the spelling)');
  return issue.keys.map((key) => ({
    path: [...issue.path.map(String), key].join('.'),
    message: `unknown key${hint(key)}`,
    unknownKey: true,
  }));
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
  return { path, message: ownWords(issue) };
}

/** zod's default messages ("Too small: expected number to be >=1") said our way; a message of ours is kept. */
function ownWords(issue: z.core.$ZodIssue): string {
  const own = !/^(Invalid|Too (small|big)|Expected|Unrecognized|Number must|String must)/.test(issue.message);
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${describeValue(issue.input)})` : '';
  const saysGot = /\bgot\b/.test(issue.message);
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      // Our own words already say it; only a number is worth repeating ("at least 1 (got 0)").
      if (own) return `${issue.message}${saysGot || issue.origin !== 'number' ? '' : got}`;
      const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const small = issue.code === 'too_small';
      if (issue.origin === 'string') {
        if (small && limit === 1) return 'must not be empty';
        return `must be ${small ? 'at least' : 'at most'} ${limit} characters long`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        if (small && limit === 1) return 'must list at least one';
        const count = Array.isArray((issue as { input?: unknown }).input) ? ` (got ${(issue.input as unknown[]).length})` : '';
        return `must list ${small ? 'at least' : 'at most'} ${limit}${count}`;
      }
      const inclusive = issue.inclusive !== false;
      const bound = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
      return `must be ${bound} ${limit}${got.replace('(got the number ', '(got ')}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const choice = values.length === 1 ? values[0]! : `${values.slice(0, -1).join(', ')} or ${values.at(-1)!}`;
      const input = (issue as { input?: unknown }).input;
      const guess = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : '';
      return `${own ? issue.message : `must be ${choice}`}${saysGot ? '' : got}${guess}`;
    }
    case 'invalid_format':
      return own ? `${issue.message}${saysGot ? '' : got}` : `is not a valid ${issue.format}${got}`;
    case 'not_multiple_of':
      return own ? issue.message : `must be a multiple of ${String(issue.divisor)}${got.replace('(got the number ', '(got ')}`;
    case 'invalid_key':
    case 'invalid_element': {
      const inner = issue.issues[0];
      return inner ? `${issue.code === 'invalid_key' ? 'a key' : 'a value'} ${toProblem(inner).message}` : 'is not valid here';
    }
    default:
      return own ? issue.message : `is not valid here${got}`;
  }
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
