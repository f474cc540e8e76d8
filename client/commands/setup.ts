// `bluegreen setup`: makes a Temporal namespace ready for bluegreen, idempotently — creates the
// namespace when it does not exist, registers the four Keyword search attributes that are
// missing (through the operator service), and waits until the server accepts them.
import type { Client } from '@temporalio/client';
import type Long from 'long';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes.js';
import { parseDuration } from '../../config/fields.js';
import {
  namespaceExists,
  registerSearchAttributes,
  searchAttributeState,
  type TemporalServices,
} from '../../config/temporal-namespace.js';
import { badInput, EXIT, ExitError } from '../errors.js';
import { connectCli, type ConnectionFlags } from '../temporal-client.js';

const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;
const INVALID_ARGUMENT = 3;
const grpcCode = (err: unknown) => (err as { code?: unknown } | undefined)?.code;

/** Temporal Cloud (or a server that does not let this identity administer it) refuses the operator calls. */
const notAllowed = (err: unknown) => grpcCode(err) === PERMISSION_DENIED || grpcCode(err) === UNIMPLEMENTED;

export interface SetupOptions extends ConnectionFlags {
  /** How long Temporal keeps a finished deployment's history, for a namespace setup creates. */
  retention: string;
}

export async function setup(options: SetupOptions): Promise<number> {
  const retentionMs = parseDuration(options.retention);
  if (retentionMs === undefined || retentionMs < 86_400_000)
    throw badInput(`--retention "${options.retention}" is not a duration of a day or more (like "30d" or "720h")`);
  const cli = await connectCli(options, process.env, { requireNamespace: false });
  const { namespace, address } = cli;
  const services = cli.client.connection;
  try {
    console.log(`bluegreen setup: Temporal at ${address}, namespace "${namespace}"`);
    if (await namespaceExists(services, namespace)) console.log(`  namespace ${namespace}: exists`);
    else {
      await createNamespace(services, namespace, retentionMs);
      console.log(`  namespace ${namespace}: created (retention ${options.retention})`);
    }
    const before = await withNamespaceSettling(() => searchAttributeState(services, namespace)).catch((err: unknown) => {
      if (notAllowed(err)) return undefined;
      throw err;
    });
    if (before === undefined) throw cloudRefusal(namespace);
    if (before.wrongType.length > 0)
      throw badInput(
        `namespace ${namespace} has ${before.wrongType.join(', ')} with another type than Keyword: ` +
          'the workflow writes them as Keyword; remove them (`temporal operator search-attribute remove`) and run setup again',
      );
    const added = await withNamespaceSettling(() => registerSearchAttributes(services, namespace)).catch((err: unknown) => {
      throw notAllowed(err) ? cloudRefusal(namespace) : err;
    });
    for (const name of SEARCH_ATTRIBUTES)
      console.log(`  search attribute ${name} (Keyword): ${added.includes(name) ? 'registered' : 'already registered'}`);
    if (added.length > 0) {
      console.log('  waiting until the server accepts them (a server caches the list for up to a minute)…');
      await untilQueryable(cli.client);
    }
    console.log(`ready: deployments can start in namespace ${namespace}`);
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}

async function createNamespace(services: TemporalServices, namespace: string, retentionMs: number): Promise<void> {
  try {
    await services.workflowService.registerNamespace({
      namespace,
      // protobufjs encodes a plain number into the int64 field its types call Long.
      workflowExecutionRetentionPeriod: { seconds: Math.round(retentionMs / 1000) as unknown as Long },
      description: 'blue/green deployments (bluegreen)',
    });
  } catch (err) {
    if (notAllowed(err))
      throw new ExitError(
        `this connection may not create namespace ${namespace} (${(err as Error).message}): on Temporal Cloud create it ` +
          'in the Cloud UI or with tcld, then run `bluegreen setup` again',
        EXIT.REFUSED,
      );
    throw err;
  }
}

/** A namespace just created answers "not found" to the operator service for a moment. */
async function withNamespaceSettling<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (grpcCode(err) !== NOT_FOUND || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Until a visibility query by each attribute is accepted (in a namespace that may be new): what `deploy` and `list` need. */
async function untilQueryable(client: Client, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const query = SEARCH_ATTRIBUTES.map((name) => `${name} = 'bluegreen-setup'`).join(' AND ');
  for (;;) {
    try {
      await client.workflow.count(query);
      return;
    } catch (err) {
      const code = grpcCode(err) ?? grpcCode((err as { cause?: unknown }).cause);
      const settling = code === INVALID_ARGUMENT || code === NOT_FOUND || (err as Error).name === 'NamespaceNotFoundError';
      if (!settling || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

const cloudRefusal = (namespace: string) =>
  new ExitError(
    `this connection may not list or register search attributes of namespace ${namespace} (Temporal Cloud does that ` +
      `in its UI or with tcld): add ${SEARCH_ATTRIBUTES.join(', ')}, each of type Keyword, there`,
    EXIT.REFUSED,
  );
