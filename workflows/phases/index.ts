// The step each entry of the phases table (contract/vocabulary.ts) runs, one line per step; the
// sequence (blue-green-deployment.ts) runs them in the table's order. A step after traffic moved
// returns why to roll back, or nothing to go on.
import type { SequenceStep } from '../../contract/vocabulary.js';
import { approvalPhase } from './approval.js';
import { bakePhase } from './bake.js';
import type { PhaseContext } from './context.js';
import { deployPhase } from './deploy.js';
import { holdPhase } from './hold.js';
import { hookPhases } from './hooks.js';
import { monitorPhase } from './monitor.js';
import { switchPhase } from './switch.js';
import { syncPhase } from './sync.js';
import { verifyPhase } from './verify.js';
import { windowPhase } from './window.js';

/** A rollback reason, or nothing: the deployment goes on. */
export type PhaseStep = (ctx: PhaseContext) => Promise<string | undefined | void>;

/** Every step but plan, which runs first and returns what it found (blue-green-deployment.ts builds the context from it). */
export const PHASE_STEPS: Record<Exclude<SequenceStep, 'plan'>, PhaseStep> = {
  deploy: deployPhase,
  verify: verifyPhase,
  approval: approvalPhase,
  hold: holdPhase,
  window: windowPhase,
  preSwitch: (ctx) => hookPhases(ctx, 'preSwitch'),
  switch: switchPhase,
  monitor: monitorPhase,
  bake: bakePhase,
  sync: syncPhase,
  postSync: (ctx) => hookPhases(ctx, 'postSync'),
};
