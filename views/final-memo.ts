// The memo a finished deployment keeps: what happened, in words, readable in the Web UI and by
// `bluegreen status` with no worker polling (current details come from a query and vanish with
// the worker; the memo is stored with the execution). Pure: runs in the workflow sandbox.
import { shortSha } from '../contract/format.js';
import type { DeploymentStatus } from '../contract/types.js';
import { colorSentence, colorsSideBySide, utcTime } from './colors.js';
import { afterTheEnd, liveColorAtEnd } from './outcome.js';

export interface FinalMemo {
  service: string;
  outcome: string;
  reason: string;
  /** The color that takes traffic now. */
  live: string;
  /** The SHA this deployment brought (on its target color), and the target. */
  sha: string;
  target: string;
  /** The color that served before and what it runs now. */
  previous: string;
  deployer: string;
  endedAt: string;
  next: string;
  /** Each color in one sentence: traffic, the SHA it runs, its last deployment. */
  blue: string;
  green: string;
}

export function finalMemo(s: DeploymentStatus): FinalMemo {
  const prev = s.previous;
  const prevSha = prev?.sha ? ` @ ${shortSha(prev.sha)}` : '';
  const view = colorsSideBySide([s]);
  const words = { time: utcTime, current: s.deploymentId };
  return {
    service: s.service,
    outcome: s.outcome ?? 'unknown',
    reason: s.error ?? (s.outcome === 'SUCCEEDED' ? 'all phases passed' : 'no reason recorded'),
    live: liveColorAtEnd(s) ?? 'unknown',
    sha: s.sha ?? 'unknown',
    target: s.targetColor ?? 'unknown',
    previous: prev ? `${prev.color}${prevSha}${prev.warm ? '' : ' (redeployed by sync)'}` : 'unknown',
    deployer: s.deployer ? `${s.deployer.login} (verified by GitHub)` : s.requestedBy,
    endedAt: s.endedAt ?? '',
    next: afterTheEnd(s),
    blue: view ? colorSentence(view.blue, view, words) : 'unknown',
    green: view ? colorSentence(view.green, view, words) : 'unknown',
  };
}
