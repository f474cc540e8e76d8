// `bluegreen train status <name> [--watch]` and the train's decisions (approve, reject, abort,
// rollback), sent as updates so the answer says at once whether they counted.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import * as messages from '../../contract/messages.js';
import { trainWorkflowIdFor } from '../../contract/train.js';
import { EXIT, ExitError, exitCodeForOutcome, refused } from '../errors.js';
import { connectCli, type ConnectionFlags } from '../temporal-client.js';
import { readTrainStatus, readTrainView, renderTrainView } from '../train-view.js';
import { decideOnGitHubGate } from '../gate-decision.js';
import type { DeploymentStatus } from '../../contract/types.js';

export interface TrainStatusOptions extends ConnectionFlags {
  watch?: boolean;
  json?: boolean;
  /** How often --watch reads the train again. @default 2000 */
  intervalMs?: number;
}

export async function trainStatus(name: string, options: TrainStatusOptions): Promise<number> {
  const cli = await connectCli(options);
  try {
    let shown = '';
    for (;;) {
      const view = await readTrainView(cli.client, name).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) {
          throw new ExitError(`no release train ${name} (workflow ${trainWorkflowIdFor(name)})`, EXIT.BAD_INPUT);
        }
        throw err;
      });
      const text = options.json ? JSON.stringify(view) : renderTrainView(view);
      if (text !== shown) {
        console.log(options.watch && !options.json && shown !== '' ? `\n${text}` : text);
        shown = text;
      }
      if (!options.watch || view.train.outcome)
        return view.train.outcome ? exitCodeForOutcome(view.train.outcome) : EXIT.SUCCEEDED;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 2000));
    }
  } finally {
    await cli.close();
  }
}

export type TrainDecision = 'approve' | 'reject' | 'abort' | 'rollback';

export interface TrainDecisionOptions extends ConnectionFlags {
  by: string;
  comment?: string;
  reason?: string;
  /** `--by` was typed, not defaulted: on the GitHub path it must name the token's owner. */
  byGiven?: boolean;
}

const updates = {
  approve: messages.approveUpdate,
  reject: messages.rejectUpdate,
  abort: messages.abortUpdate,
  rollback: messages.rollbackUpdate,
} as const;

export async function trainDecide(decision: TrainDecision, name: string, options: TrainDecisionOptions): Promise<number> {
  const cli = await connectCli(options);
  try {
    const handle = cli.client.workflow.getHandle(trainWorkflowIdFor(name));
    if (decision === 'approve' || decision === 'reject') {
      const onGitHub = await decideOnTrainGate(cli.client, name, decision, options);
      if (onGitHub) {
        console.log(onGitHub);
        return EXIT.SUCCEEDED;
      }
    }
    const payload =
      decision === 'approve'
        ? { by: options.by, ...(options.comment ? { comment: options.comment } : {}) }
        : { by: options.by, reason: options.reason ?? '' };
    let result: messages.DecisionResult;
    try {
      result = await handle.executeUpdate(updates[decision] as typeof messages.rejectUpdate, {
        args: [payload as messages.ReasonInput],
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw refused(`${decision} refused for train ${name}: ${err.cause?.message ?? err.message}`);
      }
      if (err instanceof WorkflowNotFoundError) throw new ExitError(`no running release train ${name}`, EXIT.BAD_INPUT);
      throw err;
    }
    if (!result.accepted) throw refused(`${decision} refused for train ${name}: ${result.message}`);
    console.log(result.message);
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}

/**
 * A train whose gate is on GitHub takes approvals there only: the review is given as the
 * operator (their GITHUB_TOKEN) on the gate run the gate's service waits on, as for one service.
 * Undefined when the train's gate is not on GitHub.
 */
async function decideOnTrainGate(
  client: Client,
  name: string,
  decision: 'approve' | 'reject',
  options: TrainDecisionOptions,
): Promise<string | undefined> {
  const train = await readTrainStatus(client, name).catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw new ExitError(`no running release train ${name}`, EXIT.BAD_INPUT);
    throw err;
  });
  if (!train.gate || train.outcome) return undefined;
  const status = (await client.workflow.getHandle(train.gate.workflowId).query(messages.statusQuery)) as DeploymentStatus;
  if (!status.gate)
    throw refused(
      `train ${name}'s gate on GitHub (held by ${train.gate.service}) has no gate run waiting yet: try again in a moment`,
    );
  const done = await decideOnGitHubGate(status, status.gate, decision, options);
  return `${done} (the gate of release train ${name}, held by ${train.gate.service})`;
}
