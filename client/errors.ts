// Typed CLI errors and the one place that maps them (and outcomes) to exit codes.
import { bluegreenCommand } from '../contract/commands.js';
import type { Outcome } from '../contract/types.js';

/** Exit codes: stable, documented in the README. */
export const EXIT = {
  SUCCEEDED: 0,
  INTERNAL: 1,
  BAD_INPUT: 2,
  /** A service none of whose deployments Temporal knows: the same for every command that names one. */
  NOT_FOUND: 2,
  FAILED: 3,
  ROLLED_BACK: 4,
  ABORTED: 5,
  TEMPORAL_UNREACHABLE: 6,
  REFUSED: 7,
  /** `deploy` without --wait, `status` of a running deployment: nothing went wrong yet. */
  RUNNING: 0,
} as const;

export const exitCodeForOutcome = (outcome: Outcome): number => EXIT[outcome];

/** A failure the user can act on: one sentence, one exit code, no stack trace. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export const badInput = (message: string) => new ExitError(message, EXIT.BAD_INPUT);
export const refused = (message: string) => new ExitError(message, EXIT.REFUSED);
export const notFound = (service: string) =>
  new ExitError(
    `no deployment of "${service}" found (workflow id bluegreen-${service}): check the service name, or list them with \`${bluegreenCommand('list')}\``,
    EXIT.NOT_FOUND,
  );
