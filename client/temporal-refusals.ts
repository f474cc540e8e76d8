// A command Temporal refuses because the namespace lacks one of bluegreen's search attributes
// (a server started without them) ends with the names of all that are missing and the command
// that registers them, instead of "Failed to start Workflow".
import type { Client } from '@temporalio/client';
import { refusedSearchAttribute, searchAttributeState, searchAttributesMissingMessage } from '../config/temporal-namespace.js';
import { badInput } from './errors.js';

/** Runs `command`; a refusal for a missing search attribute becomes bad input (exit 2) that says how to fix it. */
export async function needingSearchAttributes<T>(client: Client, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    const refused = refusedSearchAttribute(err);
    if (refused === undefined) throw err;
    const namespace = client.options.namespace;
    const state = await searchAttributeState(client.connection, namespace).catch(() => undefined);
    const missing = state?.missing.length ? state.missing : [refused.name];
    throw badInput(searchAttributesMissingMessage(namespace, missing));
  }
}
