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

/** The object schemas a (wrapped) schema stands for. */
function objectsOf(schema: z.ZodType, depth = 0): Def[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [def];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? objectsOf(def.innerType, depth + 1) : [];
    case 'pipe':
      return [...(def.in ? objectsOf(def.in, depth + 1) : []), ...(def.out ? objectsOf(def.out, depth + 1) : [])];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsOf(o, depth + 1));
    case 'lazy':
      return def.getter ? objectsOf(def.getter(), depth + 1) : [];
    default:
      return [];
  }
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
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? childrenOf(def.innerType, segment, depth + 1) : [];
    case 'pipe':
      return def.in ? childrenOf(def.in, segment, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => childrenOf(o, segment, depth + 1));
    case 'lazy':
      return def.getter ? childrenOf(def.getter(), segment, depth + 1) : [];
    default:
      return [];
  }
}

/** Every key the schema allows in the mapping at `path` (e.g. ['verify'] → healthPath, successes…). */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let here = [schema];
  for (const segment of path) here = here.flatMap((s) => childrenOf(s, segment));
  return [...new Set(here.flatMap((s) => objectsOf(s)).flatMap((def) => Object.keys(def.shape ?? {})))];
}
