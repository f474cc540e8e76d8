// The keys a zod object schema knows at a path of the config, for "did you mean …" on an
// unknown key. Walks zod's own definitions (`_zod.def`): optional, default, pipe and union
// wrappers are looked through; a union offers the keys of all its objects.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/**
 * The schemas a wrapper stands for: its inner type, a union's options, a lazy schema's target,
 * a pipe's input (and its output when `pipeOutput`). Empty for anything that wraps nothing.
 */
function unwrap(def: Def, pipeOutput: boolean): z.ZodType[] {
  if (WRAPPERS.has(def.type)) return def.innerType ? [def.innerType] : [];
  switch (def.type) {
    case 'pipe':
      return [def.in, pipeOutput ? def.out : undefined].filter((s): s is z.ZodType => s !== undefined);
    case 'union':
      return def.options ?? [];
    case 'lazy':
      return def.getter ? [def.getter()] : [];
    default:
      return [];
  }
}

/** The object schemas a (wrapped) schema stands for. */
function objectsOf(schema: z.ZodType, depth = 0): Def[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  if (def.type === 'object') return [def];
  return unwrap(def, true).flatMap((inner) => objectsOf(inner, depth + 1));
}

/** The schemas found at one step of a path: a key of an object, an item of a list, a value of a record. */
function childrenOf(schema: z.ZodType, segment: string | number, depth = 0): z.ZodType[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'array':
      return def.element ? [def.element] : [];
    case 'record':
      return def.valueType ? [def.valueType] : [];
    case 'object': {
      const child = def.shape?.[String(segment)];
      return child ? [child] : [];
    }
    default:
      return unwrap(def, false).flatMap((inner) => childrenOf(inner, segment, depth + 1));
  }
}

/** Every key the schema allows in the mapping at `path` (e.g. ['verify'] → healthPath, successes…). */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let here = [schema];
  for (const segment of path) here = here.flatMap((s) => childrenOf(s, segment));
  return [...new Set(here.flatMap((s) => objectsOf(s)).flatMap((def) => Object.keys(def.shape ?? {})))];
}
