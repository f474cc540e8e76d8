// approve / reject / rollback / abort / promote: sent as Updates, so the answer says at once
// whether the decision counted (and why not). The same names exist as signals for the stock
// Temporal CLI and the Web UI.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import * as messages from '../../workflows/messages.js';
import { findDeployment } from '../deployment-handle.js';
import { EXIT, refused } from '../errors.js';
import { connectCli } from '../temporal-client.js';

export type DecisionName = 'approve' | 'reject' | 'rollback' | 'abort' | 'promote';

export interface DecisionOptions {
  by: string;
  comment?: string;
  reason?: string;
}

const updates = {
  approve: messages.approveUpdate,
  reject: messages.rejectUpdate,
  rollback: messages.rollbackUpdate,
  abort: messages.abortUpdate,
  promote: messages.promoteUpdate,
} as const;

export async function decide(decision: DecisionName, service: string, options: DecisionOptions): Promise<number> {
  const cli = await connectCli();
  try {
    const { handle, running, status } = await findDeployment(cli.client, service);
    if (!running) throw refused(`the deployment of ${service} has already finished (${status.outcome}): nothing to ${decision}`);
    const payload =
      decision === 'approve'
        ? { by: options.by, ...(options.comment ? { comment: options.comment } : {}) }
        : decision === 'promote'
          ? { by: options.by }
          : { by: options.by, reason: options.reason ?? '' };
    try {
      // The union of update definitions shares one input shape per kind; the payload matches it.
      const result = await handle.executeUpdate(updates[decision] as typeof messages.rejectUpdate, {
        args: [payload as messages.ReasonInput],
      });
      if (!result.accepted) throw refused(`${decision} refused: ${result.message}`);
      console.log(result.message);
      return EXIT.SUCCEEDED;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw refused(`${decision} refused for ${service}: ${err.cause?.message ?? err.message}`);
      }
      throw err;
    }
  } finally {
    await cli.close();
  }
}
