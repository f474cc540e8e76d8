import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeTemporalConnection,
  loadTemporalConnection,
  TemporalConnectionConfigError,
} from '../config/temporal-connection.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-connection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// An environment with no HOME, so no test ever reads the real ~/.config/temporalio/temporal.toml.
const isolated = (vars: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...vars });

const writeFile = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const profiles = writeFile(
  'temporal.toml',
  `
[profile.default]
address = "temporal.internal:7233"
namespace = "deployments"

[profile.cloud]
address = "bluegreen.a1b2c.tmprl.cloud:7233"
namespace = "bluegreen.a1b2c"
api_key = "key-from-file"
`,
);

describe('loadTemporalConnection', () => {
  it('defaults to a local server, default namespace, no TLS', () => {
    const config = loadTemporalConnection(isolated());
    expect(config.address).toBe('localhost:7233');
    expect(config.namespace).toBe('default');
    expect(config.tls).toBe(false);
    expect(config.auth).toBe('none');
    expect(config.connectionOptions).toEqual({ address: 'localhost:7233' });
    expect(config.nativeConnectionOptions).toEqual({ address: 'localhost:7233' });
  });

  it('takes the address and namespace from TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'team-a' }));
    expect(config.address).toBe('temporal:7233');
    expect(config.namespace).toBe('team-a');
    expect(config.connectionOptions.address).toBe('temporal:7233');
    expect(config.nativeConnectionOptions.address).toBe('temporal:7233');
  });

  it('turns TLS on when an API key is given, for both the client and the worker', () => {
    const config = loadTemporalConnection(
      isolated({
        TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
        TEMPORAL_NAMESPACE: 'bluegreen.a1b2c',
        TEMPORAL_API_KEY: 'secret-key',
      }),
    );
    expect(config.tls).toBe(true);
    expect(config.auth).toBe('api-key');
    expect(config.connectionOptions).toMatchObject({ apiKey: 'secret-key', tls: true });
    expect(config.nativeConnectionOptions).toMatchObject({ apiKey: 'secret-key', tls: true });
  });

  it('keeps TLS off for an API key when TEMPORAL_TLS=false says so', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }));
    expect(config.tls).toBe(false);
    expect(config.nativeConnectionOptions.tls).toBe(false);
  });

  it('treats an empty TEMPORAL_API_KEY (as compose passes an unset one) as no key', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_API_KEY: '', TEMPORAL_ADDRESS: '' }));
    expect(config.tls).toBe(false);
    expect(config.address).toBe('localhost:7233');
    expect(config.connectionOptions).not.toHaveProperty('apiKey');
  });

  it('loads client certificates for mTLS from the TEMPORAL_TLS_* paths', () => {
    const cert = writeFile('client.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const key = writeFile('client.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    const config = loadTemporalConnection(
      isolated({
        TEMPORAL_ADDRESS: 'bluegreen.a1b2c.tmprl.cloud:7233',
        TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: key,
        TEMPORAL_TLS_SERVER_NAME: 'bluegreen.a1b2c.tmprl.cloud',
      }),
    );
    expect(config.tls).toBe(true);
    expect(config.auth).toBe('mtls');
    const tls = config.nativeConnectionOptions.tls;
    if (typeof tls !== 'object' || tls === null) throw new Error(`expected a TLS config, got ${String(tls)}`);
    expect(tls.serverNameOverride).toBe('bluegreen.a1b2c.tmprl.cloud');
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toContain('BEGIN CERTIFICATE');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toContain('BEGIN PRIVATE KEY');
    expect(config.connectionOptions.tls).toEqual(tls);
  });

  it('reads the default profile of the file named by TEMPORAL_CONFIG_FILE', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_CONFIG_FILE: profiles }));
    expect(config.address).toBe('temporal.internal:7233');
    expect(config.namespace).toBe('deployments');
    expect(config.tls).toBe(false);
  });

  it('reads the profile named by TEMPORAL_PROFILE; environment variables win over the file', () => {
    const config = loadTemporalConnection(
      isolated({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'override' }),
    );
    expect(config.address).toBe('bluegreen.a1b2c.tmprl.cloud:7233');
    expect(config.namespace).toBe('override');
    expect(config.auth).toBe('api-key');
    expect(config.tls).toBe(true);
    expect(config.nativeConnectionOptions.apiKey).toBe('key-from-file');
  });

  it('takes the profile and file from options over the environment', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_PROFILE: 'nope' }), {
      configFile: profiles,
      profile: 'cloud',
    });
    expect(config.namespace).toBe('bluegreen.a1b2c');
  });

  it('finds temporal.toml under $XDG_CONFIG_HOME/temporalio like the Temporal CLI', () => {
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'temporalio'), { recursive: true });
    writeFileSync(join(xdg, 'temporalio', 'temporal.toml'), '[profile.default]\nnamespace = "from-xdg"\n');
    const config = loadTemporalConnection(isolated({ XDG_CONFIG_HOME: xdg }));
    expect(config.namespace).toBe('from-xdg');
    expect(config.address).toBe('localhost:7233');
  });

  it('passes TEMPORAL_GRPC_META_* as gRPC headers', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_GRPC_META_X_TEAM: 'payments' }));
    expect(config.connectionOptions.metadata).toEqual({ 'x-team': 'payments' });
  });

  it('names the profile and file when the profile does not exist', () => {
    const load = () => loadTemporalConnection(isolated({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'staging' }));
    expect(load).toThrow(TemporalConnectionConfigError);
    expect(load).toThrow(`profile 'staging', config file ${profiles}`);
    expect(load).toThrow("Profile 'staging' not found");
  });

  it('refuses a config file that was named but does not exist', () => {
    const missing = join(dir, 'missing.toml');
    expect(() => loadTemporalConnection(isolated({ TEMPORAL_CONFIG_FILE: missing }))).toThrow(
      `TEMPORAL_CONFIG_FILE ${missing} does not exist`,
    );
    expect(() => loadTemporalConnection(isolated(), { configFile: missing })).toThrow(
      `the config file ${missing} does not exist`,
    );
  });

  it('reports a malformed file as a config error', () => {
    const bad = writeFile('bad.toml', '[profile.default\naddress = ');
    expect(() => loadTemporalConnection(isolated({ TEMPORAL_CONFIG_FILE: bad }))).toThrow(TemporalConnectionConfigError);
  });

  it('describes the connection for logs without the secret', () => {
    const config = loadTemporalConnection(isolated({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' }));
    const line = describeTemporalConnection(config);
    expect(line).toBe('x.tmprl.cloud:7233 namespace=default tls=on auth=api-key');
    expect(line).not.toContain('secret-key');
  });

  it('takes --address and --namespace over TEMPORAL_*, and TEMPORAL_* over an --env preset and the profile', () => {
    const xdg = join(dir, 'presets');
    mkdirSync(join(xdg, 'temporalio'), { recursive: true });
    writeFileSync(
      join(xdg, 'temporalio', 'temporal.yaml'),
      'env:\n  prod:\n    address: prod.internal:7233\n    namespace: prod-ns\n    api-key: preset-key\n',
    );
    const base = { XDG_CONFIG_HOME: xdg, TEMPORAL_CONFIG_FILE: profiles };
    // The preset beats the profile (temporal.internal, deployments)…
    expect(loadTemporalConnection(isolated(base), { env: 'prod' })).toMatchObject({
      address: 'prod.internal:7233',
      namespace: 'prod-ns',
      auth: 'api-key',
    });
    // …TEMPORAL_ENV names it too; a variable beats the preset…
    expect(loadTemporalConnection(isolated({ ...base, TEMPORAL_ENV: 'prod', TEMPORAL_NAMESPACE: 'from-env' }))).toMatchObject({
      address: 'prod.internal:7233',
      namespace: 'from-env',
    });
    // …and a flag beats the variable.
    expect(
      loadTemporalConnection(isolated({ ...base, TEMPORAL_ADDRESS: 'env.internal:7233' }), {
        env: 'prod',
        address: 'flag.internal:7233',
        namespace: 'flag-ns',
      }),
    ).toMatchObject({ address: 'flag.internal:7233', namespace: 'flag-ns' });
    expect(() => loadTemporalConnection(isolated(base), { env: 'staging' })).toThrow(
      `cannot read the Temporal connection settings: no Temporal environment "staging" (${join(xdg, 'temporalio', 'temporal.yaml')} has none of that name; see \`temporal env list\`)`,
    );
    // "default" may be absent, as for the Temporal CLI.
    expect(loadTemporalConnection(isolated(base), { env: 'default' }).address).toBe('temporal.internal:7233');
  });
});
