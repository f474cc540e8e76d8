// How the worker and the CLI reach Temporal: one reading of the environment (and of the
// Temporal CLI's TOML config file, when there is one) through @temporalio/envconfig, so a
// laptop's dev server, the docker compose stack and Temporal Cloud are all a matter of
// environment variables or a profile, never of code.
import { existsSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { LoadClientProfileOptions } from '@temporalio/envconfig';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { presetVariables } from './temporal-env-presets.js';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** Where to connect, resolved from env vars and the optional config file. Holds secrets: never log it whole. */
export interface TemporalConnectionConfig {
  /** `host:port` of the Temporal frontend. @default 'localhost:7233' */
  address: string;
  /** @default 'default' */
  namespace: string;
  /** For `Connection.connect` (`@temporalio/client`): the CLI. */
  connectionOptions: ConnectionOptions;
  /** For `NativeConnection.connect` (`@temporalio/worker`): the worker. */
  nativeConnectionOptions: NativeConnectionOptions;
  /** Whether TLS is on: set explicitly, by client certificates, or implied by an API key. */
  tls: boolean;
  /** How the client proves who it is; for logs and error messages. */
  auth: 'api-key' | 'mtls' | 'none';
}

/** Overrides that the CLI takes as flags; each wins over its environment variable. */
export interface LoadTemporalConnectionOptions {
  /** `host:port` of the frontend (`--address`). @default env `TEMPORAL_ADDRESS`, else the profile's */
  address?: string;
  /** (`--namespace`). @default env `TEMPORAL_NAMESPACE`, else the profile's */
  namespace?: string;
  /**
   * A Temporal CLI environment preset (`--env`, `temporal env set --env <name> …`): its values
   * count as environment variables that are not set. @default env `TEMPORAL_ENV`
   */
  env?: string;
  /** Profile in the config file. @default env `TEMPORAL_PROFILE`, else `default` */
  profile?: string;
  /** TOML config file. @default env `TEMPORAL_CONFIG_FILE`, else `$XDG_CONFIG_HOME/temporalio/temporal.toml` (`~/.config/…`) */
  configFile?: string;
}

/** The connection settings could not be read; the message names the variable, profile or file at fault. */
export class TemporalConnectionConfigError extends Error {
  override name = 'TemporalConnectionConfigError';
}

/**
 * Reads the Temporal connection settings the way the Temporal CLI and SDKs do:
 * - environment: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS`,
 *   `TEMPORAL_TLS_CLIENT_CERT_PATH` / `_DATA`, `TEMPORAL_TLS_CLIENT_KEY_PATH` / `_DATA`,
 *   `TEMPORAL_TLS_SERVER_CA_CERT_PATH` / `_DATA`, `TEMPORAL_TLS_SERVER_NAME`, `TEMPORAL_GRPC_META_*`;
 * - a profile (`TEMPORAL_PROFILE`, default `default`) of the TOML file at `TEMPORAL_CONFIG_FILE`
 *   or `~/.config/temporalio/temporal.toml`; environment variables win over the file.
 *
 * An API key turns TLS on unless `TEMPORAL_TLS=false`. Empty variables count as unset, so a
 * compose file can pass `TEMPORAL_API_KEY=` through without switching TLS on.
 *
 * @example
 * const { address, namespace, nativeConnectionOptions } = loadTemporalConnection();
 * const connection = await NativeConnection.connect(nativeConnectionOptions);
 */
export function loadTemporalConnection(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadTemporalConnectionOptions = {},
): TemporalConnectionConfig {
  const vars = withFlags(definedVariables(env), options);
  // envconfig treats a missing file as "no file"; one named explicitly must exist.
  const namedFile = options.configFile ?? vars['TEMPORAL_CONFIG_FILE'];
  if (namedFile !== undefined && !existsSync(namedFile)) {
    const by = options.configFile !== undefined ? 'the config file' : 'TEMPORAL_CONFIG_FILE';
    throw new TemporalConnectionConfigError(`cannot read the Temporal connection settings: ${by} ${namedFile} does not exist`);
  }
  const profileOptions: LoadClientProfileOptions = { overrideEnvVars: vars };
  if (options.profile !== undefined) profileOptions.profile = options.profile;
  if (options.configFile !== undefined) profileOptions.configSource = { path: options.configFile };

  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig(profileOptions);
  } catch (err) {
    throw new TemporalConnectionConfigError(explain(err, vars, options), { cause: err });
  }

  const { address: loadedAddress, tls, apiKey, metadata } = loaded.connectionOptions;
  const address = loadedAddress ?? DEFAULT_TEMPORAL_ADDRESS;
  const namespace = loaded.namespace ?? DEFAULT_TEMPORAL_NAMESPACE;

  const common: Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'> & { address: string } = {
    address,
  };
  if (tls !== undefined && tls !== null) common.tls = tls;
  if (apiKey !== undefined) common.apiKey = apiKey;
  if (metadata !== undefined && Object.keys(metadata).length > 0) common.metadata = { ...metadata };

  const tlsOn = common.tls !== undefined && common.tls !== false;
  const hasClientCert = typeof common.tls === 'object' && common.tls?.clientCertPair !== undefined;
  return {
    address,
    namespace,
    connectionOptions: { ...common },
    nativeConnectionOptions: { ...common },
    tls: tlsOn,
    auth: common.apiKey !== undefined ? 'api-key' : hasClientCert ? 'mtls' : 'none',
  };
}

/** One line for startup logs: where and how, never the key or certificates themselves. */
export function describeTemporalConnection(config: TemporalConnectionConfig): string {
  return `${config.address} namespace=${config.namespace} tls=${config.tls ? 'on' : 'off'} auth=${config.auth}`;
}

/**
 * The variables envconfig reads, flags applied: a flag wins over its variable, a variable over
 * the `--env` preset, and all of them over the profile (envconfig lets variables win over it).
 */
function withFlags(vars: Record<string, string>, options: LoadTemporalConnectionOptions): Record<string, string> {
  const presetName = options.env ?? vars['TEMPORAL_ENV'];
  let merged = vars;
  if (presetName !== undefined) {
    const preset = presetVariables(presetName, vars);
    if ('problem' in preset)
      throw new TemporalConnectionConfigError(`cannot read the Temporal connection settings: ${preset.problem}`);
    merged = { ...preset.vars, ...vars };
  }
  return {
    ...merged,
    ...(options.address !== undefined ? { TEMPORAL_ADDRESS: options.address } : {}),
    ...(options.namespace !== undefined ? { TEMPORAL_NAMESPACE: options.namespace } : {}),
  };
}

// envconfig wants a Record<string, string>; it also reads HOME / XDG_CONFIG_HOME / APPDATA from
// it to find the default file, so the whole environment goes through, not just TEMPORAL_*.
// Empty values are dropped (an empty TEMPORAL_API_KEY would otherwise switch TLS on), except
// TEMPORAL_GRPC_META_*, where an empty value deliberately removes a header set in the file.
function definedVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (value === '' && !name.startsWith('TEMPORAL_GRPC_META_')) continue;
    vars[name] = value;
  }
  return vars;
}

function explain(err: unknown, vars: Record<string, string>, options: LoadTemporalConnectionOptions): string {
  const reason = err instanceof Error ? err.message : String(err);
  const file = options.configFile ?? vars['TEMPORAL_CONFIG_FILE'];
  const profile = options.profile ?? vars['TEMPORAL_PROFILE'];
  const where = [
    profile !== undefined ? `profile '${profile}'` : undefined,
    file !== undefined ? `config file ${file}` : undefined,
  ].filter((part) => part !== undefined);
  const context = where.length > 0 ? ` (${where.join(', ')})` : '';
  return `cannot read the Temporal connection settings${context}: ${reason}`;
}

/** The Web UI page of a deployment. BLUEGREEN_UI_URL overrides the dev server's default. */
export function webUiUrl(address: string, namespace: string, workflowId?: string, env = process.env): string {
  const base =
    env['BLUEGREEN_UI_URL'] ??
    (/^(localhost|127\.0\.0\.1):(\d+)$/.test(address)
      ? `http://${address.split(':')[0]}:${Number(address.split(':')[1]) + 1000}`
      : 'https://cloud.temporal.io');
  const ns = `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows`;
  return workflowId ? `${ns}/${encodeURIComponent(workflowId)}` : ns;
}
