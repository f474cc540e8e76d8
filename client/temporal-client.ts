// Connects the CLI to Temporal, turning "nothing answers" into one sentence that says where
// it looked and how to start a server.
import { Client, Connection } from '@temporalio/client';
import { CodecKeyError, dataConverterFromEnv } from '../codec/aes-gcm-codec.js';
import {
  loadTemporalConnection,
  TemporalConnectionConfigError,
  webUiUrl,
  type LoadTemporalConnectionOptions,
} from '../config/temporal-connection.js';
import { DEV_SERVER_COMMAND, namespaceExists, namespaceMissingMessage } from '../config/temporal-namespace.js';
import { badInput, EXIT, ExitError } from './errors.js';

export interface CliClient {
  client: Client;
  address: string;
  namespace: string;
  close(): Promise<void>;
}

/** `read()`, with an error of `kind` (a setting the user got wrong) turned into bad input (exit 2). */
function orBadInput<T>(read: () => T, kind: abstract new (...args: never[]) => Error): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof kind) throw badInput(err.message);
    throw err;
  }
}

export interface ConnectCliOptions {
  /** Refuse a namespace that does not exist, naming it (`bluegreen setup` creates it). @default true */
  requireNamespace?: boolean;
}

/** `--address`, `--namespace`, `--env`, `--profile`: the Temporal CLI's flags, on every command that connects. */
export type ConnectionFlags = Pick<LoadTemporalConnectionOptions, 'address' | 'namespace' | 'env' | 'profile'>;

/** Only the connection flags of a command's options (commander hands over all of them). */
export const connectionFlagsOf = (options: ConnectionFlags): ConnectionFlags => ({
  ...(options.address !== undefined ? { address: options.address } : {}),
  ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
  ...(options.env !== undefined ? { env: options.env } : {}),
  ...(options.profile !== undefined ? { profile: options.profile } : {}),
});

export async function connectCli(
  flags: ConnectionFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  options: ConnectCliOptions = {},
): Promise<CliClient> {
  const settings = orBadInput(() => loadTemporalConnection(env, connectionFlagsOf(flags)), TemporalConnectionConfigError);
  // BLUEGREEN_CODEC_KEY: the same key as the workers, or payloads could not be read or written.
  const dataConverter = orBadInput(() => dataConverterFromEnv(env), CodecKeyError);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: '5s' });
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw new ExitError(
      `cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}): ` +
        `start one the way bluegreen needs it with \`${DEV_SERVER_COMMAND}\` (any other server: \`bluegreen setup\` once), ` +
        'or pass --address (or set TEMPORAL_ADDRESS)',
      EXIT.TEMPORAL_UNREACHABLE,
    );
  }
  // Anything but "not found" (a key that may not describe it, say) is left to the command itself.
  if ((options.requireNamespace ?? true) && !(await namespaceExists(connection, settings.namespace).catch(() => true))) {
    await connection.close();
    throw badInput(namespaceMissingMessage(settings.namespace, settings.address));
  }
  return {
    client: new Client({ connection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}) }),
    address: settings.address,
    namespace: settings.namespace,
    close: () => connection.close(),
  };
}

export { webUiUrl };

/** The environment webUiUrl reads, with `--ui-url` in place of BLUEGREEN_UI_URL when given. */
export const uiEnv = (options: { uiUrl?: string }, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv =>
  options.uiUrl ? { ...env, BLUEGREEN_UI_URL: options.uiUrl } : env;
