// The haproxy switch's provider calls: the weights of a backend's blue and green servers through
// HAProxy's Runtime API (`get weight <backend>/<server>`, `set server <backend>/<server> weight N`).
// Idempotent under retries: read both weights, write only the server whose weight differs, read
// back. Weights map one to one: N % of the traffic to a color is weight N on its server (HAProxy
// takes 0..256), so 100 % green is green 100, blue 0, and a server at weight 0 gets no new
// requests. The backend must balance with a dynamic algorithm (roundrobin, leastconn, random):
// with a static one HAProxy accepts only 0 and the configured weight.
import type { Color } from '../../contract/types.js';
import { checkWeights, confirmWeights, sameWeights, type ColorWeights, type WeightChange } from '../weights.js';
import { runtimeCommand, type RuntimeSocketOptions } from './runtime-socket.js';

export interface HaproxyTarget {
  /** The Runtime API socket, e.g. /run/haproxy/admin.sock (`level admin`). */
  socket: string;
  backend: string;
  /** Server names per color. @default { blue: 'blue', green: 'green' } */
  servers?: Partial<Record<Color, string>>;
}

/** HAProxy's names: letters, digits and `-_.:` (no spaces, no command separators). */
const HAPROXY_NAME = /^[A-Za-z0-9_.:-]+$/;

function serverRef(target: HaproxyTarget, color: Color): string {
  const server = target.servers?.[color] ?? color;
  for (const [what, name] of [
    ['backend', target.backend],
    ['server', server],
  ] as const) {
    if (!HAPROXY_NAME.test(name))
      throw new Error(`HAProxy ${what} name ${JSON.stringify(name)} has characters HAProxy names cannot have`);
  }
  return `${target.backend}/${server}`;
}

/** `get weight` answers "<current> (initial <configured>)"; anything else is HAProxy's error. */
async function serverWeight(target: HaproxyTarget, color: Color, options: RuntimeSocketOptions): Promise<number> {
  const ref = serverRef(target, color);
  const answer = await runtimeCommand(target.socket, `get weight ${ref}`, options);
  const match = /^(\d+) \(initial \d+\)$/.exec(answer);
  if (!match) throw new Error(`HAProxy get weight ${ref}: ${answer || 'no answer'}`);
  return Number(match[1]);
}

/** The blue and green servers' current weights. */
export async function readHaproxyWeights(target: HaproxyTarget, options: RuntimeSocketOptions = {}): Promise<ColorWeights> {
  return { blue: await serverWeight(target, 'blue', options), green: await serverWeight(target, 'green', options) };
}

/**
 * Sets the servers' weights to `wanted`, writing only those that differ, and confirms by reading
 * back. The server gaining traffic is written first, so a failure between the two writes leaves
 * both colors serving rather than none.
 */
export async function setHaproxyWeights(
  target: HaproxyTarget,
  wanted: ColorWeights,
  options: RuntimeSocketOptions = {},
): Promise<WeightChange> {
  checkWeights(wanted);
  const before = await readHaproxyWeights(target, options);
  if (sameWeights(before, wanted)) return { before, after: before, wrote: false };
  const colors: Color[] = wanted.green > before.green ? ['green', 'blue'] : ['blue', 'green'];
  for (const color of colors) {
    if (before[color] === wanted[color]) continue;
    const ref = serverRef(target, color);
    // Success is an empty answer; HAProxy's refusals are one sentence (e.g. a static algorithm).
    const answer = await runtimeCommand(target.socket, `set server ${ref} weight ${wanted[color]}`, options);
    if (answer !== '') throw new Error(`HAProxy set server ${ref} weight ${wanted[color]}: ${answer}`);
  }
  const after = confirmWeights(`HAProxy backend ${target.backend}`, wanted, await readHaproxyWeights(target, options));
  return { before, after, wrote: true };
}
