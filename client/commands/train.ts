// `bluegreen train status <name> [--watch]` and the train's decisions (approve, reject, abort,
// rollback), sent as updates so the answer says at once whether they counted.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import * as messages from '../../contract/messages.js';
import { trainWorkflowIdFor } from '../../contract/train.js';
import { EXIT, ExitError, exitCodeForOutcome, refused } from '../errors.js';
import { connectCli, type ConnectionFlags } from '../temporal-client.js';
import { readTrainView, renderTrainView } from '../train-view.js';

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
