// Overrides a bluegreen.yaml-shaped object the way a person editing the YAML would: nested
// mappings merge, anything else (lists included) replaces.
export type ConfigObject = Record<string, unknown>;

const isMapping = (value: unknown): value is ConfigObject => value !== null && typeof value === 'object' && !Array.isArray(value);

export function mergeConfig(base: ConfigObject, extra: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] = isMapping(value) && isMapping(current) ? mergeConfig(current, value) : value;
  }
  return out;
}
