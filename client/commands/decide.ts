// approve / reject / rollback / abort / promote / retry / override-window: sent as Updates, so the answer says at once
// whether the decision counted (and why not). The same names exist as signals for the stock
// Temporal CLI and the Web UI.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import * as messages from '../../contract/messages.js';
import { QUERY_TIMEOUT_MS, withDeployment } from '../deployment-handle.js';
import { EXIT, ExitError, refused } from '../errors.js';
import { decideOnGitHubGate } from '../gate-decision.js';
import type { ConnectionFlags } from '../temporal-client.js';

export type DecisionName = 'approve' | 'reject' | 'rollback' | 'abort' | 'promote' | 'retry' | 'override-window';

export interface DecisionOptions extends ConnectionFlags {
  by: string;
  comment?: string;
  reason?: string;
  /** `--by` was typed, not defaulted: on the GitHub path it must name the token's owner. */
  byGiven?: boolean;
}

const updates = {
  approve: messages.approveUpdate,
  reject: messages.rejectUpdate,
  rollback: messages.rollbackUpdate,
  abort: messages.abortUpdate,
  promote: messages.promoteUpdate,
  retry: messages.retryUpdate,
  'override-window': messages.overrideWindowUpdate,
} as const;

/** What the deployment does next, once the decision counted. */
const consequence: Record<DecisionName, string> = {
  approve: 'the deployment goes on to switch traffic',
  reject: 'the deployment ends ABORTED, traffic untouched',
  rollback: 'traffic is being switched back',
  abort: 'the deployment stops before traffic moves (ABORTED)',
  promote: 'the monitor window ends now as a success',
  retry: 'the failed step runs again (a new run, a new correlation id)',
  'override-window': 'the deployment switches now, outside its switch window (recorded with your reason)',
};

export async function decide(decision: DecisionName, service: string, options: DecisionOptions): Promise<number> {
  return withDeployment(
    service,
    async (cli, { handle, running, status }) => {
      if (!running) {
        throw refused(
          `the last deployment of ${service} (${status.deploymentId}) already ended ${status.outcome}: there is nothing to ${decision === 'rollback' ? 'roll back' : decision}`,
        );
      }
      if (status.gate && (decision === 'approve' || decision === 'reject')) {
        // Approvals of this deployment are GitHub's to verify: the review is given as the operator.
        console.log(await decideOnGitHubGate(status, status.gate, decision, options));
        return EXIT.SUCCEEDED;
      }
      const payload =
        decision === 'approve'
          ? { by: options.by, ...(options.comment ? { comment: options.comment } : {}) }
          : decision === 'promote'
            ? { by: options.by }
            : decision === 'retry'
              ? { by: options.by, ...(options.reason ? { reason: options.reason } : {}) }
              : { by: options.by, reason: options.reason ?? '' };
      let result: messages.DecisionResult;
      try {
        // The union of update definitions shares one input shape per kind; the payload matches it.
        result = await cli.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
          handle.executeUpdate(updates[decision] as typeof messages.rejectUpdate, { args: [payload as messages.ReasonInput] }),
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          throw refused(`${decision} refused for ${service}: ${err.cause?.message ?? err.message}`);
        }
        throw new ExitError(
          `no answer to ${decision} within ${QUERY_TIMEOUT_MS / 1000}s (${(err as Error).message}): is a worker running? Check with \`bluegreen status ${service}\``,
          EXIT.TEMPORAL_UNREACHABLE,
        );
      }
      if (!result.accepted) throw refused(`${decision} refused for ${service}: ${result.message}`);
      const note = options.comment ?? options.reason;
      console.log(
        `${decision} by ${options.by} counted for ${status.deploymentId}${note ? ` ("${note}")` : ''}: ${decision === 'promote' && status.phase === 'bake' ? 'the bake ends now, sync goes ahead' : consequence[decision]}`,
      );
      return EXIT.SUCCEEDED;
    },
    options,
  );
}
