// Writes init's files without ever replacing one unasked: existing files are found before anything
// is written; on a terminal each is asked about, with --force all are replaced, otherwise nothing is
// written and the refusal names them.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { refused } from '../errors.js';

export interface PlannedFile {
  path: string;
  text: string;
  /** What it is, for the report ("config", "worker policy", "deploy green template"). */
  what: string;
}

export interface WriteChoice {
  force: boolean;
  /** Asks whether to replace an existing file; absent: no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

/** The files written and those kept as they were (declined on the terminal). */
export async function writePlanned(
  files: PlannedFile[],
  choice: WriteChoice,
): Promise<{ written: PlannedFile[]; kept: PlannedFile[] }> {
  const existing = files.filter((f) => existsSync(f.path));
  const kept: PlannedFile[] = [];
  if (existing.length > 0 && !choice.force) {
    if (!choice.confirm)
      throw refused(
        `${existing.map((f) => f.path).join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing was written; pass --force to overwrite, or run init elsewhere (--config, --policy, --workflows-dir)`,
      );
    for (const file of existing)
      if (!(await choice.confirm(`${file.path} exists (${file.what}): overwrite it?`))) kept.push(file);
  }
  const written = files.filter((f) => !kept.includes(f));
  for (const file of written) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.text);
  }
  return { written, kept };
}
