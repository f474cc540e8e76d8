// Both colors side by side, as `kubectl argo rollouts get rollout` shows both revisions: which
// SHA each color runs, which one takes traffic and since when, and the last deployment of each.
// Derived from deployment statuses, newest first: the workflow passes its own status alone (what
// it can tell deterministically), the CLI adds the service's earlier deployments. Pure.
import { COLORS, type Color, type DeploymentStatus, type Outcome } from '../contract/types.js';
import { liveColor } from './live-color.js';
import { liveColorAtEnd } from './outcome.js';

export interface ColorDeployment {
  deploymentId: string;
  /** Absent while it runs. */
  outcome?: Outcome;
  sha?: string;
  /** The GitHub login when GitHub recorded the deployer, else the name the CLI was given. */
  by: string;
  startedAt: string;
  endedAt?: string;
}

export interface ColorSide {
  color: Color;
  /** The SHA it runs, as far as the deployments read tell; absent when they cannot. */
  sha?: string;
  /** It runs `sha`'s code from its own branch, merged there by sync (the merge commit is another SHA). */
  synced?: boolean;
  /** The deployment whose sync redeployed it, when that is newer than its last deployment. */
  syncedBy?: ColorDeployment;
  /** A SHA being deployed to it right now (the running deployment's deploy phase). */
  deploying?: string;
  /** Whether it takes traffic (false for both while traffic moves). */
  live: boolean;
  /** When it began taking traffic (the live color only), when a deployment read moved it there. */
  since?: string;
  /** The newest deployment read that targeted this color. */
  last?: ColorDeployment;
}

export interface ColorsView {
  /** The color taking traffic; absent while a switch or a rollback moves it, or when it cannot be told. */
  live?: Color;
  blue: ColorSide;
  green: ColorSide;
}

/** Both colors from the statuses of a service's deployments, newest first; undefined before the active color is known. */
export function colorsSideBySide(newestFirst: readonly DeploymentStatus[]): ColorsView | undefined {
  const known = newestFirst.filter((s) => s.activeColor && s.targetColor);
  const newest = known[0];
  if (!newest) return undefined;
  const live = newest.outcome ? liveColorAtEnd(newest) : liveColor(newest);
  const since = live ? liveSince(known, live) : undefined;
  const side = (color: Color): ColorSide => {
    const runs = whatRuns(known, color);
    const last = known.find((s) => s.targetColor === color);
    return {
      color,
      ...(runs.sha ? { sha: runs.sha } : {}),
      ...(runs.synced ? { synced: true } : {}),
      ...(runs.syncedBy && (!last || runs.syncedBy.startedAt > last.startedAt) ? { syncedBy: deploymentOf(runs.syncedBy) } : {}),
      ...(runs.deploying ? { deploying: runs.deploying } : {}),
      live: live === color,
      ...(live === color && since ? { since } : {}),
      ...(last ? { last: deploymentOf(last) } : {}),
    };
  };
  const [blue, green] = COLORS.map(side) as [ColorSide, ColorSide];
  return { ...(live ? { live } : {}), blue, green };
}

const stateOf = (s: DeploymentStatus, phase: string) => s.phases.find((p) => p.name === phase);

/** The newest deployment that says what `color` runs: one that deployed it, or one that found it serving. */
function whatRuns(
  newestFirst: readonly DeploymentStatus[],
  color: Color,
): { sha?: string; synced?: boolean; syncedBy?: DeploymentStatus; deploying?: string } {
  for (const s of newestFirst) {
    if (s.targetColor === color) {
      const deploy = stateOf(s, 'deploy')?.state;
      // A warm revert skips the deploy: the color still runs the SHA it switches back to.
      if (deploy === 'succeeded' || (deploy === 'skipped' && s.revertOf !== undefined)) return s.sha ? { sha: s.sha } : {};
      if (deploy === 'running') {
        const before = whatRuns(newestFirst.slice(newestFirst.indexOf(s) + 1), color);
        return { ...(before.sha ? { sha: before.sha } : {}), ...(s.sha ? { deploying: s.sha } : {}) };
      }
      // A failed run leaves the color in a state nobody recorded.
      if (deploy === 'failed') return {};
    } else if (s.activeColor === color && s.previous?.color === color) {
      // Sync brought the old color level with the target and redeployed it; until then it ran its branch head.
      if (!s.previous.warm) {
        const sync = stateOf(s, 'sync')?.state;
        if (sync === 'succeeded') return s.sha ? { sha: s.sha, synced: true, syncedBy: s } : {};
        return sync === 'running' && s.sha ? { ...(s.previous.sha ? { sha: s.previous.sha } : {}), deploying: s.sha } : {};
      }
      return s.previous.sha ? { sha: s.previous.sha } : {};
    }
  }
  return {};
}

/** When traffic last moved to `live`: the end of the switch or of the rollback that moved it. */
function liveSince(newestFirst: readonly DeploymentStatus[], live: Color): string | undefined {
  for (const s of newestFirst) {
    const rollback = stateOf(s, 'rollback');
    if (rollback?.state === 'succeeded') return s.activeColor === live ? rollback.endedAt : undefined;
    const switched = stateOf(s, 'switch');
    if (switched?.state === 'succeeded') return s.targetColor === live ? switched.endedAt : undefined;
    // Traffic never moved in this one (stopped before the switch): look further back.
  }
  return undefined;
}

function deploymentOf(s: DeploymentStatus): ColorDeployment {
  return {
    deploymentId: s.deploymentId,
    ...(s.outcome ? { outcome: s.outcome } : {}),
    ...(s.sha ? { sha: s.sha } : {}),
    by: s.deployer?.login ?? s.requestedBy,
    startedAt: s.startedAt,
    ...(s.endedAt ? { endedAt: s.endedAt } : {}),
  };
}

export interface ColorWords {
  /** How a time reads: absolute in the Web UI and the memo, relative at a terminal. */
  time: (iso: string) => string;
  /** The deployment whose page this is: named "this deployment" instead of its id. */
  current?: string;
}

/** "takes traffic since …" / "no traffic" / "traffic moving". */
export function trafficWords(side: ColorSide, view: ColorsView, words: ColorWords): string {
  if (side.live) return side.since ? `takes traffic since ${words.time(side.since)}` : 'takes traffic';
  return view.live ? 'no traffic' : 'traffic moving';
}

/** "runs 1a2b3c4" / "runs 1a2b3c4, deploying 5d6e7f8" / "runs an unknown SHA". */
export function runsWords(side: ColorSide): string {
  const runs = side.sha ? `runs ${side.sha.slice(0, 7)}${side.synced ? ' (merged by sync)' : ''}` : 'runs an unknown SHA';
  return side.deploying ? `${runs}, deploying ${side.deploying.slice(0, 7)}` : runs;
}

/** "last deployment: d-12 (ROLLED_BACK, ended …, by olivia)" / "deployed before this deployment". */
export function lastDeploymentWords(side: ColorSide, words: ColorWords): string {
  const name = (d: ColorDeployment) => (d.deploymentId === words.current ? 'this deployment' : d.deploymentId);
  const about = (d: ColorDeployment) =>
    `${d.outcome ?? 'running'}, ${d.endedAt ? `ended ${words.time(d.endedAt)}` : `started ${words.time(d.startedAt)}`}, by ${d.by}`;
  if (side.syncedBy) return `redeployed by the sync of ${name(side.syncedBy)} (${about(side.syncedBy)})`;
  const last = side.last;
  if (!last) return words.current ? 'deployed before this deployment' : 'no deployment of it found';
  return `last deployment: ${name(last)} (${about(last)})`;
}

/** One sentence per color: "green: takes traffic since …; runs 1a2b3c4; last deployment: …". */
export function colorSentence(side: ColorSide, view: ColorsView, words: ColorWords): string {
  return `${side.color}: ${trafficWords(side, view, words)}; ${runsWords(side)}; ${lastDeploymentWords(side, words)}`;
}

/** A time as the Web UI and the memo say it (they are read later, from anywhere): date and time in UTC. */
export const utcTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
