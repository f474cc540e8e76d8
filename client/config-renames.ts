// Config words renamed so that each says one thing: `bake.duration` (the phase it sets, once
// `sync.after`) and `monitor.analysis.failureThreshold` (failures in a row, as
// `monitor.failureThreshold`; `failureLimit` is the total a verify analysis tolerates). An old
// name still reads, with a notice naming the new one; problems keep the path the file used.
import type { ConfigProblem } from '../config/yaml.js';

export interface RenamedField {
  old: string;
  now: string;
}

export const RENAMED_FIELDS: readonly RenamedField[] = [
  { old: 'sync.after', now: 'bake.duration' },
  { old: 'monitor.analysis.failureLimit', now: 'monitor.analysis.failureThreshold' },
];

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The mapping at `path` (created on the way when `create`), or undefined. */
function mappingAt(root: Mapping, path: string[], create: boolean): Mapping | undefined {
  let at: Mapping = root;
  for (const key of path) {
    if (!(key in at) && create) at[key] = {};
    const next = at[key];
    if (!isMapping(next)) return undefined;
    at = next;
  }
  return at;
}

export interface RenamesRead {
  /** The config with every old name moved to its new one (a copy where something moved). */
  config: Mapping;
  /** One sentence per old name used. */
  notices: string[];
  problems: ConfigProblem[];
  /** New path → the old one the file used, for problem paths. */
  usedOldNames: Map<string, string>;
}

export function readRenamedFields(config: Mapping): RenamesRead {
  const copy = structuredClone(config);
  const read: RenamesRead = { config: copy, notices: [], problems: [], usedOldNames: new Map() };
  for (const { old, now } of RENAMED_FIELDS) {
    const oldPath = old.split('.');
    const oldParent = mappingAt(copy, oldPath.slice(0, -1), false);
    const oldKey = oldPath.at(-1)!;
    if (!oldParent || !(oldKey in oldParent)) continue;
    const newPath = now.split('.');
    const newParent = mappingAt(copy, newPath.slice(0, -1), true);
    const newKey = newPath.at(-1)!;
    if (!newParent) continue; // the new section is not a mapping: the schema says so
    if (newKey in newParent) {
      read.problems.push({ path: old, message: `is the old name of ${now}, which is set too: keep ${now} only` });
      delete oldParent[oldKey];
      continue;
    }
    newParent[newKey] = oldParent[oldKey];
    delete oldParent[oldKey];
    read.usedOldNames.set(now, old);
    read.notices.push(`${old} is now called ${now}: it still reads, rename it before a later release drops the old name`);
  }
  return read;
}

/** A problem found at a renamed field's new path, reported at the path the file used. */
export function pathAsWritten(path: string, usedOldNames: ReadonlyMap<string, string>): string {
  for (const [now, old] of usedOldNames) {
    if (path === now || path.startsWith(`${now}.`)) return old + path.slice(now.length);
  }
  return path;
}
