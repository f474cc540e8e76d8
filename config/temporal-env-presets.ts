// The Temporal CLI's environment presets (`temporal env set --env prod address …`), so
// `bluegreen --env prod` reaches what `temporal --env prod` reaches. They live in
// `$XDG_CONFIG_HOME/temporalio/temporal.yaml` (default `~/.config/…`) under `env.<name>`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A preset key (as `temporal env set` writes it) → the environment variable it stands for. */
const PRESET_VARIABLES: Record<string, string> = {
  address: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  'api-key': 'TEMPORAL_API_KEY',
  tls: 'TEMPORAL_TLS',
  'tls-cert-path': 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'tls-key-path': 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'tls-ca-path': 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'tls-server-name': 'TEMPORAL_TLS_SERVER_NAME',
};

export function presetsFile(env: Record<string, string | undefined>): string | undefined {
  const base = env['XDG_CONFIG_HOME'] ?? (env['HOME'] ? join(env['HOME'], '.config') : undefined);
  return base ? join(base, 'temporalio', 'temporal.yaml') : undefined;
}

/**
 * The variables a named preset sets, or a sentence saying why there are none. The "default"
 * preset may be absent (the Temporal CLI's own default); any other name must exist.
 */
export function presetVariables(
  name: string,
  env: Record<string, string | undefined>,
): { vars: Record<string, string> } | { problem: string } {
  const file = presetsFile(env);
  const missing = (why: string) =>
    name === 'default' ? { vars: {} } : { problem: `no Temporal environment "${name}" (${why}; see \`temporal env list\`)` };
  if (!file || !existsSync(file)) return missing(`${file ?? '~/.config/temporalio/temporal.yaml'} does not exist`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problem: `cannot read the Temporal environments in ${file}: ${(err as Error).message.split('\n')[0]}` };
  }
  const preset = (doc as { env?: Record<string, unknown> } | null)?.env?.[name];
  if (preset === undefined || preset === null || typeof preset !== 'object') return missing(`${file} has none of that name`);
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(preset)) {
    const variable = PRESET_VARIABLES[key];
    if (variable && value !== undefined && value !== null && value !== '') vars[variable] = String(value);
  }
  return { vars };
}
