// What `bluegreen revert` starts, as a pure function of the reverted deployment: its final
// status (the workflow's result) and its plan (the workflow's input). The color that served
// before comes back; when it still runs the previous SHA (no sync since, or sync disabled) that
// is a switch back without a redeploy, otherwise the previous SHA is deployed to it again.
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import { newDeploymentId } from './plan.js';
import { bluegreenCommand } from '../contract/commands.js';

export interface RevertRequest {
  by: string;
  reason: string;
  /** Fixed id for tests. */
  deploymentId?: string;
}

export type RevertDecision = { ok: true; plan: DeploymentPlan; summary: string } | { ok: false; message: string };

/**
 * Whether the color traffic goes back to still runs what it ran before: the workflow says so
 * (`previous.warm`, kept current by sync); for deployments of older workers, a sync that never
 * ran (disabled, or skipped) leaves it warm, anything else may have redeployed it.
 */
export function previousColorIsWarm(status: DeploymentStatus, plan: DeploymentPlan): boolean {
  if (status.previous) return status.previous.warm;
  const sync = status.phases.find((p) => p.name === 'sync');
  return !plan.sync.enabled || !plan.sync.redeploy || sync === undefined || sync.state === 'skipped';
}

export function revertPlanFor(status: DeploymentStatus, last: DeploymentPlan, request: RevertRequest): RevertDecision {
  const service = status.service;
  if (status.outcome !== 'SUCCEEDED') {
    const where =
      status.outcome === 'ROLLED_BACK' ? ` (traffic went back to ${status.activeColor ?? 'the previous color'} then)` : '';
    return {
      ok: false,
      message: `the last deployment of ${service} (${status.deploymentId}) ended ${status.outcome ?? 'without an outcome'}${where}: there is nothing to revert`,
    };
  }
  if (status.pointOfNoReturn) {
    return {
      ok: false,
      message: `${status.deploymentId} passed its point of no return (the post-sync hooks ran): the previous version may no longer work with what they changed; deploy a fix forward instead`,
    };
  }
  const color = status.activeColor;
  if (!color || !status.targetColor) {
    return { ok: false, message: `${status.deploymentId} has no recorded colors: it cannot be reverted` };
  }
  const warm = previousColorIsWarm(status, last);
  const sha = status.previous?.sha;
  if (!warm && !sha) {
    return {
      ok: false,
      message: `${color} no longer runs what it ran before ${status.deploymentId} (sync redeployed it) and the SHA it ran is not recorded: deploy that SHA with \`${bluegreenCommand('deploy', '--color', color)}\``,
    };
  }
  const { revert: _previousRevert, switchWindows: _windows, ...base } = last;
  const plan: DeploymentPlan = {
    ...base,
    deploymentId: request.deploymentId ?? newDeploymentId(service),
    requestedBy: request.by,
    requestedColor: color,
    // Branches stay as they are: a sync would merge the reverted code back into the other branch.
    sync: { enabled: false, redeploy: false },
    // Hooks migrate for the new version; a revert runs none (the point of no return is refused above).
    hooks: { preSwitch: [], postSync: [] },
    // A switch back to a version that served until now is a rollback: no QA gate. A redeploy is a deployment.
    approval: warm ? { ...last.approval, required: false } : last.approval,
    revert: { of: status.deploymentId, color, ...(sha ? { sha } : {}), warm, reason: request.reason },
  };
  const what = warm
    ? `switch traffic back to ${color}, which still runs ${sha ? sha.slice(0, 7) : 'its previous version'}: verify ${color}, switch, monitor (no redeploy)`
    : `deploy ${sha!.slice(0, 7)} (what ${color} ran before ${status.deploymentId}) to ${color}, verify${plan.approval.required ? ', approval' : ''}, switch, monitor`;
  return { ok: true, plan, summary: `revert of ${status.deploymentId} (${status.targetColor} → ${color}): ${what}` };
}
