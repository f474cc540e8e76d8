// Hook phases (app-based blue/green): GitHub workflows run before the switch (preSwitch, e.g.
// an expand migration; a failure aborts, traffic untouched) and after the sync (postSync, e.g.
// the contract migration; the point of no return: a failure fails, traffic stays on the new color).
import { hookInputs } from '../../contract/dispatch-inputs.js';
import { DeploymentStop } from '../../contract/failures.js';
import { GitHubRunFailed, runGitHubWorkflow } from '../github-run.js';
import type { HookPlan } from '../../contract/types.js';
import { hookPhase, hookNames, type HookKind } from '../../contract/vocabulary.js';
import { runWithRetry } from '../step-retry.js';
import type { PhaseContext } from './context.js';
import { retryOf } from './deploy.js';

/** Runs every hook of `kind` in order; before, between and after preSwitch hooks an abort stops the deployment. */
export async function hookPhases(ctx: PhaseContext, kind: HookKind): Promise<void> {
  const hooks = ctx.plan.hooks[kind];
  if (kind === 'postSync' && hooks.length > 0) ctx.tracker.passPointOfNoReturn();
  for (const hook of hooks) {
    if (kind === 'preSwitch') stopIfAborted(ctx);
    await hookStep(ctx, kind, hook);
  }
  if (kind === 'preSwitch') stopIfAborted(ctx);
}

async function hookStep(ctx: PhaseContext, kind: HookKind, hook: HookPlan): Promise<void> {
  const phase = hookPhase(kind, hook.name);
  const outcomeOnFailure = kind === 'preSwitch' ? 'ABORTED' : 'FAILED';
  // onFailure.hooks: ask — a failed hook run waits for retry/abort instead of ending it.
  await runWithRetry({
    ...retryOf(ctx),
    phase,
    policy: ctx.plan.onFailure?.hooks,
    run: async (attempt) => {
      if (attempt > 1) ctx.tracker.start(phase, `attempt ${attempt}: dispatch ${hook.workflow} on ${hook.ref} again`);
      try {
        await runGitHubWorkflow(ctx, phase, {
          workflow: hook.workflow,
          ref: hook.ref,
          inputs: (id) => hookInputs(hook.inputs, { newColor: ctx.target, oldColor: ctx.active, sha: ctx.sha }, id),
          what: `${phase} hook`,
          attempt,
        });
      } catch (err) {
        if (err instanceof GitHubRunFailed) {
          const where = kind === 'preSwitch' ? `; traffic untouched on ${ctx.active}` : `; traffic stays on ${ctx.target}`;
          throw new DeploymentStop(outcomeOnFailure, `${phase} hook ${err.description}${where}`);
        }
        if (err instanceof DeploymentStop) throw new DeploymentStop(outcomeOnFailure, err.message);
        throw err;
      }
    },
  });
  ctx.tracker.finish(phase, 'succeeded');
}

/**
 * An abort during the preSwitch hooks lets the running hook finish (a migration cut off
 * half-way is worse than a finished expand, which the old color runs on), then stops here.
 */
export function stopIfAborted(ctx: PhaseContext): void {
  if (!ctx.human.abort) return;
  const { by, text } = ctx.human.abort;
  const status = ctx.tracker.status;
  const done = hookNames(status, 'preSwitch').filter((name) =>
    status.phases.some((p) => p.name === hookPhase('preSwitch', name) && p.state === 'succeeded'),
  );
  const hooks = done.length > 0 ? `; hooks already run: ${done.join(', ')}` : '';
  throw new DeploymentStop('ABORTED', `aborted by ${by}: ${text ?? 'no reason given'} (traffic never moved${hooks})`);
}
