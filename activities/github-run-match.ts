// Which listed run is the one a dispatch started. The correlation id in the run's name finds
// it; it is adopted only if it also ran the commit that was dispatched and was started by this
// worker's own login. Anyone with Actions write can dispatch a run whose name carries a
// predictable id (`<deployment>.deploy`), even before the deployment does: without these two
// checks the deployment would wait on, and report, a run of someone else's choosing.
import { titleCarriesCorrelationId } from '../contract/correlation-id.js';

export { titleCarriesCorrelationId };

/** The fields of a listed run the match reads. */
export interface ListedRun {
  id: number;
  html_url: string;
  display_title?: string | null;
  head_sha?: string;
  actor?: { login?: string } | null;
  triggering_actor?: { login?: string } | null;
}

export interface RunExpectation {
  correlationId: string;
  /** The commit the dispatch ran; unknown for dispatches that do not name one. */
  headSha?: string;
  /** The login dispatches of this worker are recorded under; unknown if GitHub would not say. */
  actor?: string;
}

/** Who triggered the run: `triggering_actor` (re-runs change it), else `actor`. */
export const triggeringLogin = (run: ListedRun): string | undefined => run.triggering_actor?.login ?? run.actor?.login;

/** Why a run carrying the correlation id is not ours; undefined when it is. */
export function mismatch(run: ListedRun, expected: RunExpectation): string | undefined {
  if (expected.headSha && run.head_sha !== expected.headSha)
    return `run ${run.id} is of commit ${run.head_sha?.slice(0, 12) ?? 'unknown'}, not the dispatched ${expected.headSha.slice(0, 12)}`;
  const login = triggeringLogin(run);
  if (expected.actor && login?.toLowerCase() !== expected.actor.toLowerCase())
    return `run ${run.id} was started by ${login ?? 'an unknown actor'}, not by ${expected.actor}`;
  return undefined;
}
