// A GitHub Actions run a phase asks for (workflows/github-run.ts dispatches it once and waits);
// here so a switch step, a plug-in, can ask for one through its tools without importing workflows/.

export interface GitHubRunRequest {
  workflow: string;
  ref: string;
  /** The inputs for a correlation id (`<deploymentId>.<dispatch step of the phase>`). */
  inputs: (correlationId: string) => Record<string, string>;
  /** How the run is named in the failure message, e.g. "deploy", "switch". */
  what: string;
  /** The attempt of a retried step (onFailure: ask); its correlation id carries it from 2 on. @default 1 */
  attempt?: number;
  /** The correlation-id step when a phase dispatches several runs (verify.tests: `test-<name>`). @default the phase's */
  step?: string;
  /** How long the run may take. @default plan.deploy.runTimeoutMs */
  timeoutMs?: number;
  /**
   * The commit the run must be of, when the caller knows it (a deploy of the planned SHA): a
   * found run that carries the correlation id but ran another commit is not adopted (someone
   * with Actions write could pre-dispatch one). Absent: only the triggering actor is checked.
   */
  headSha?: string;
}
