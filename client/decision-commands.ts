// The help of the decision commands (approve, reject, rollback, abort, promote, retry,
// override-window), one row each, in the order `--help` lists them: what it does, the help of its
// text flag, an example. cli.ts declares them all alike from this table.
import type { DecisionName } from './commands/decide.js';

export interface DecisionCommand {
  description: string;
  /** Help of its text flag: the flag (`--comment` or `--reason`) and whether it is required are the workflow's decisions table's. */
  textHelp?: string;
  example: string;
}

export const DECISION_COMMANDS: Record<DecisionName, DecisionCommand> = {
  approve: {
    description: 'approve a deployment waiting at the QA gate; says at once whether it counted',
    textHelp: 'a note kept with the approval',
    example:
      'bluegreen approve datatruck-api --by alice --comment "QA passed"\n  BLUEGREEN_USER=alice bluegreen approve datatruck-api',
  },
  reject: {
    description: 'reject a deployment at the QA gate (it ends ABORTED)',
    textHelp: 'why',
    example: 'bluegreen reject datatruck-api --by bob --reason "checkout broken"',
  },
  rollback: {
    description: 'switch traffic back to the previous color',
    textHelp: 'why',
    example: 'bluegreen rollback datatruck-api --by carol --reason "error rate up"',
  },
  abort: {
    description: 'stop a deployment before traffic moves',
    textHelp: 'why',
    example: 'bluegreen abort datatruck-api --by dave --reason "wrong branch"',
  },
  promote: {
    description: 'end the monitor window (or the bake) early as a success',
    example: 'bluegreen promote datatruck-api --by erin',
  },
  retry: {
    description: 'run a failed step again (onFailure: ask): a new deploy, test or hook run, or the verify again',
    textHelp: 'why it should pass this time',
    example:
      'bluegreen retry datatruck-api --by frank --reason "runner lost network"\n  bluegreen abort datatruck-api --by frank --reason "real bug"   # give up instead',
  },
  'override-window': {
    description: 'switch now although the switch window is closed or a freeze applies (approvers only; recorded)',
    textHelp: 'why it cannot wait (kept in the status)',
    example: 'bluegreen override-window datatruck-api --by alice --reason "hotfix for incident 4711"',
  },
};
