// Which config file a command reads: -c <file>, else ./bluegreen.yaml when there is one.
import { existsSync } from 'node:fs';
import { badInput } from '../errors.js';

export const DEFAULT_CONFIG_FILE = 'bluegreen.yaml';

export function configPath(given: string | undefined): string {
  if (given !== undefined) return given;
  if (existsSync(DEFAULT_CONFIG_FILE)) return DEFAULT_CONFIG_FILE;
  throw badInput(
    `no config file: pass one with -c <file>, or run where a ${DEFAULT_CONFIG_FILE} is (start from examples/bluegreen.yaml)`,
  );
}
