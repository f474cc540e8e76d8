// The traffic split as people read it, from a status's `weight` while switch.steps move it: "Traffic: green 50 %, blue 50 % (step 2 of 3; the public
// endpoint answered green 48 %)". Rendered by the CLI's status and live view and the Web UI.
// Pure: runs in the workflow sandbox.
import { otherColor, type DeploymentStatus } from '../contract/types.js';

/** The one line, or undefined before any traffic moved and for a switch that moved it all at once. */
export function trafficLine(s: Pick<DeploymentStatus, 'weight'>): string | undefined {
  const w = s.weight;
  if (!w || (w.percent >= 100 && w.steps === undefined)) return undefined;
  const split = w.percent >= 100 ? `all on ${w.color}` : `${w.color} ${w.percent} %, ${otherColor(w.color)} ${100 - w.percent} %`;
  const notes = [
    w.step !== undefined && w.steps !== undefined ? `step ${w.step} of ${w.steps}` : '',
    w.sampled !== undefined ? `the public endpoint answered ${w.color} ${w.sampled} %` : '',
  ].filter(Boolean);
  return `Traffic: ${split}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}
