// Which color takes traffic, as far as a status tells: a rolled-back deployment's traffic is
// on the color it started from, not on its target. Tables show this, never the bare target.
import { beforeTraffic } from '../contract/vocabulary.js';
import { otherColor, type Color, type DeploymentStatus, type Outcome } from '../contract/types.js';

type TrafficFacts = Pick<DeploymentStatus, 'activeColor' | 'targetColor' | 'outcome' | 'phase' | 'phases'>;

const phaseState = (s: TrafficFacts, name: string) => s.phases.find((p) => p.name === name)?.state;

/** The color serving traffic, or undefined while it moves (a switch or a rollback running) or cannot be told. */
export function liveColor(s: TrafficFacts): Color | undefined {
  const { activeColor: from, targetColor: to } = s;
  if (!from || !to) return undefined;
  if (s.outcome === 'SUCCEEDED') return to;
  if (s.outcome === 'ROLLED_BACK') return from;
  const switched = phaseState(s, 'switch');
  if (switched === undefined || switched === 'pending' || switched === 'skipped' || switched === 'cancelled') return from;
  if (!s.outcome && beforeTraffic(s.phase)) return from;
  const rollback = phaseState(s, 'rollback');
  if (rollback === 'succeeded') return from;
  if (rollback === 'running' || rollback === 'failed') return undefined;
  return switched === 'succeeded' ? to : undefined;
}

/** The same from the search attributes alone (no status could be read): only the outcome and the target. */
export function liveColorOfOutcome(outcome: Outcome | undefined, target: Color | undefined): Color | undefined {
  if (!target) return undefined;
  if (outcome === 'SUCCEEDED') return target;
  if (outcome === 'ROLLED_BACK' || outcome === 'ABORTED') return otherColor(target);
  return undefined;
}
