// What the switch and rollback phases hand a switch step besides its context: the workflow's own
// machinery (switches/switch-type.ts SwitchStepTools), so a plug-in imports no value from workflows/.
import type { SwitchStepTools } from '../../switches/switch-type.js';
import { runGitHubWorkflow } from '../github-run.js';
import type { PhaseContext } from './context.js';

/**
 * The tools for a phase's `change`-th traffic change (switch.steps change traffic several times
 * in one phase): from the second on, its dispatch carries the number in its correlation id, so
 * each finds its own run and none adopts an earlier step's.
 */
export const switchTools = (ctx: PhaseContext, phase: 'switch' | 'rollback', change: number): SwitchStepTools => ({
  runGitHubWorkflow: (request) => runGitHubWorkflow(ctx, phase, change > 1 ? { ...request, attempt: change } : request),
});
