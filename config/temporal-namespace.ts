// What bluegreen needs of a Temporal namespace — that it exists, with the four Keyword search
// attributes of the workflow contract — checked, registered (`bluegreen setup`), and put into
// words when Temporal refuses a command for want of either. Shared by the CLI and the worker.
import type { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../contract/search-attributes.js';

/** The services a client Connection and a worker NativeConnection both offer. */
export type TemporalServices = Pick<Connection, 'workflowService' | 'operatorService'>;

const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

const grpcCode = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** `temporal server start-dev` started the way bluegreen needs it: the four search attributes registered. */
export const DEV_SERVER_COMMAND = `temporal server start-dev ${SEARCH_ATTRIBUTES.map((name) => `--search-attribute ${name}=Keyword`).join(' ')}`;

const ALL_FOUR = `${SEARCH_ATTRIBUTES.join(', ')} (all Keyword)`;

export const namespaceMissingMessage = (namespace: string, address: string): string =>
  `Temporal at ${address} has no namespace "${namespace}": create it, with the search attributes bluegreen needs, ` +
  `with \`bluegreen setup\` (or \`temporal operator namespace create --namespace ${namespace}\`), ` +
  'or set TEMPORAL_NAMESPACE to a namespace that exists';

export const searchAttributesMissingMessage = (namespace: string | undefined, missing: readonly string[]): string =>
  `${namespace === undefined ? 'this Temporal namespace' : `Temporal namespace "${namespace}"`} has no search attribute ` +
  `${missing.join(', ')}; bluegreen needs ${ALL_FOUR}: register them with \`bluegreen setup\` ` +
  '(same TEMPORAL_* settings), then try again';

/** Whether the namespace exists (an error other than "not found" is thrown: unreachable, no permission…). */
export async function namespaceExists(services: TemporalServices, namespace: string): Promise<boolean> {
  try {
    await services.workflowService.describeNamespace({ namespace });
    return true;
  } catch (err) {
    if (grpcCode(err) === NOT_FOUND) return false;
    throw err;
  }
}

export interface SearchAttributeState {
  /** Not registered at all. */
  missing: string[];
  /** Registered with another type than Keyword: the workflow's upserts would be refused. */
  wrongType: string[];
}

/** The contract's search attributes the namespace lacks; undefined when this connection may not list them (Temporal Cloud). */
export async function searchAttributeState(
  services: TemporalServices,
  namespace: string,
): Promise<SearchAttributeState | undefined> {
  let custom: Record<string, unknown>;
  try {
    custom = (await services.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    if (grpcCode(err) === PERMISSION_DENIED || grpcCode(err) === UNIMPLEMENTED) return undefined;
    throw err;
  }
  return {
    missing: SEARCH_ATTRIBUTES.filter((name) => custom[name] === undefined),
    wrongType: SEARCH_ATTRIBUTES.filter((name) => custom[name] !== undefined && custom[name] !== KEYWORD),
  };
}

/** Registers the missing search attributes as Keyword; returns their names (none: all were there). */
export async function registerSearchAttributes(services: TemporalServices, namespace: string): Promise<string[]> {
  const state = await searchAttributeState(services, namespace);
  const missing = state?.missing ?? [...SEARCH_ATTRIBUTES];
  if (missing.length === 0) return [];
  await services.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
  });
  return missing;
}

/**
 * The search attribute Temporal refused a command for, when that is what it did: starting a
 * workflow ("no mapping defined for search attribute X") or listing by one ("column name 'X' is
 * not a valid search attribute"). Reads the gRPC error or its cause.
 */
export function refusedSearchAttribute(err: unknown): { name: string; namespace?: string } | undefined {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const details = (e as { details?: unknown }).details;
    if (typeof details !== 'string') continue;
    const started = /Namespace (\S+) has no mapping defined for search attribute (\w+)/.exec(details);
    if (started) return { namespace: started[1]!, name: started[2]! };
    const listed = /column name '(\w+)' is not a valid search attribute/.exec(details);
    if (listed) return { name: listed[1]! };
  }
  return undefined;
}

/** The namespace is missing, or lacks search attributes: the message says which and how to fix it. */
export class TemporalNamespaceError extends Error {
  override name = 'TemporalNamespaceError';
}

/**
 * Throws a TemporalNamespaceError unless the namespace exists with all four search attributes
 * as Keyword. What this connection may not list (Temporal Cloud) is taken on trust.
 */
export async function assertNamespaceReady(services: TemporalServices, namespace: string, address: string): Promise<void> {
  if (!(await namespaceExists(services, namespace)))
    throw new TemporalNamespaceError(namespaceMissingMessage(namespace, address));
  const state = await searchAttributeState(services, namespace);
  if (state === undefined) return;
  if (state.missing.length > 0) throw new TemporalNamespaceError(searchAttributesMissingMessage(namespace, state.missing));
  if (state.wrongType.length > 0)
    throw new TemporalNamespaceError(
      `Temporal namespace "${namespace}" has ${state.wrongType.join(', ')} with another type than Keyword, which bluegreen writes: ` +
        'remove them (`temporal operator search-attribute remove`) and run `bluegreen setup`',
    );
}
