// approval via GitHub (docs/approvals.md): GitHub holds a QA gate run until a required reviewer
// of the approval environment decides; bluegreen reads back who did and applies its own rules
// (workflows/approval-rules.ts). One gate run per approval (GitHub releases a run on the first
// approval): refused approvals are recorded with the reason and the gate opens again.
//   plan:      the environment must have required reviewers; the deployer is read from GitHub.
//   approval:  dispatch gate → wait (webhook wake-up + conditional polls) → read the review log.
// An abort, or the timeout, cancels the waiting gate run on GitHub.
import { CancellationScope, condition, isCancellation, log, workflowInfo } from '@temporalio/workflow';
import type { GateDecision } from '../../activities/approval-types.js';
import type { DispatchWorkflowInput, WorkflowRunRef } from '../../activities/types.js';
import { dispatchWindowOf, reportDuplicates, waitInput, watchLostDispatch } from '../github-run.js';
import { dispatcher, quick, waiting } from '../activity-proxies.js';
import { VERIFIED_BY_GITHUB as VERIFIED } from '../../contract/approval-labels.js';
import { approvalRulesOf, approvesViaGitHub, approvingLogin, judgeGate, type GateOutcome } from '../approval-rules.js';
import { correlationIdFor } from '../../contract/correlation-id.js';
import { DeploymentStop, describeFailure } from '../../contract/failures.js';
import { formatDuration, orList } from '../../contract/format.js';
import { gateInputs } from '../../contract/gate-inputs.js';
import type { ApprovalRecord, GateStatus } from '../../contract/types.js';
import type { PhaseContext } from './context.js';
import { gateNoticesOf } from '../notify-points.js';
import { bluegreenCommand } from '../../contract/commands.js';

/** Refused approvals each cost a gate run; past this many runs the deployment stops. */
const EXTRA_GATE_RUNS = 5;

/**
 * In the plan phase: refuses (FAILED in plan) an approval environment without required
 * reviewers, and a deployer GitHub cannot vouch for when self-approval is not allowed.
 */
export async function checkGitHubApprovalSetup(ctx: PhaseContext): Promise<void> {
  const { plan, tracker } = ctx;
  if (!approvesViaGitHub(plan)) return;
  const gate = plan.approval.gate!;
  let reviewers: string[];
  try {
    const env = await quick.readApprovalEnvironment.executeWithOptions(
      { summary: `check that environment ${gate.environment} has required reviewers` },
      [{ github: plan.github, environment: gate.environment }],
    );
    reviewers = env.reviewers;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const why = describeFailure(err);
    tracker.finish('plan', 'failed', why);
    throw new DeploymentStop('FAILED', `approval via GitHub: ${why}`);
  }
  const rules = approvalRulesOf(plan);
  tracker.setGate({
    github: plan.github,
    environment: gate.environment,
    reviewers,
    approvalsNeeded: rules.minApprovals,
    approvedBy: [],
  });
  if (!plan.deployer) {
    if (rules.allowSelfApproval) return;
    return refuseDeployer(ctx, 'the plan carries no GitHub deployment record made with the deployer’s own token');
  }
  const deployer = await quick.readDeployer.executeWithOptions({ summary: 'read who started this deployment, from GitHub' }, [
    {
      github: plan.github,
      githubDeploymentId: plan.deployer.githubDeploymentId,
      correlationId: plan.deploymentId,
      sha: ctx.sha,
      environment: ctx.target,
      startedAt: workflowInfo().startTime.toISOString(),
    },
  ]);
  if (deployer.verified) tracker.setDeployer(deployer.login);
  else if (!rules.allowSelfApproval) return refuseDeployer(ctx, deployer.reason);
}

function refuseDeployer(ctx: PhaseContext, why: string): never {
  const message =
    `approval via GitHub keeps the deployer from approving their own deployment, but GitHub cannot say who started it: ${why}. ` +
    `Start it with \`${bluegreenCommand('deploy')}\` with GITHUB_TOKEN set to your own token (it records the deployment as you), or allow self-approval`;
  ctx.tracker.finish('plan', 'failed', message);
  throw new DeploymentStop('FAILED', message);
}

/** The approval phase via GitHub (also a release train's gate, held by one of its services); its reminders end however it closes. */
export async function approveOnGitHub(ctx: PhaseContext): Promise<void> {
  try {
    return await approveViaGitHub(ctx);
  } finally {
    gateNoticesOf(ctx).stop();
  }
}

/** Gate runs until enough verified approvals, a rejection, or the end. */
async function approveViaGitHub(ctx: PhaseContext): Promise<void> {
  const { plan, tracker } = ctx;
  const gate = plan.approval.gate!;
  const rules = approvalRulesOf(plan);
  if (!tracker.status.gate) {
    tracker.setGate({
      github: plan.github,
      environment: gate.environment,
      reviewers: [],
      approvalsNeeded: rules.minApprovals,
      approvedBy: [],
    });
  }
  const status = () => tracker.status.gate!;
  const deadline = Date.now() + plan.approval.timeoutMs;
  const needed = rules.minApprovals > 1 ? `${rules.minApprovals} approvals` : 'approval';
  tracker.start(
    'approval',
    `waiting up to ${formatDuration(plan.approval.timeoutMs)} for ${needed} on GitHub (${who(status())})`,
  );
  for (let n = 1; status().approvedBy.length < rules.minApprovals; n++) {
    if (n > rules.minApprovals + EXTRA_GATE_RUNS) {
      return stop(
        ctx,
        `${n - 1} gate runs, not enough approvals taken`,
        `${n - 1} gate runs without enough approvals that count (see the approvals); traffic untouched`,
      );
    }
    const outcome = await oneGate(ctx, n, deadline);
    if (outcome.kind === 'rejected') {
      const by = `@${outcome.login} (${VERIFIED})`;
      gateNoticesOf(ctx).rejected(outcome.login, outcome.comment);
      return stop(ctx, `rejected by ${by}`, `rejected by ${by}: ${outcome.comment || 'no comment'}; traffic untouched`);
    }
    if (outcome.kind === 'ended') return stop(ctx, outcome.reason, `${outcome.reason}; traffic untouched`);
    if (outcome.kind === 'approved') tracker.setGate({ ...status(), approvedBy: [...status().approvedBy, outcome.login] });
  }
  tracker.setWaitingFor(undefined);
  const { runId: _runId, url: _url, ...withoutRun } = status();
  tracker.setGate(withoutRun);
  const approvers = status()
    .approvedBy.map((login) => `@${login}`)
    .join(', ');
  tracker.finish('approval', 'succeeded', `approved by ${approvers} (${VERIFIED})`);
  gateNoticesOf(ctx).approved(status().approvedBy);
  // The repository's Environments page says it too.
  await ctx.records.markInProgress(`approved by ${approvers} (${VERIFIED}); switching traffic`);
}

/** One gate run: dispatched, waited for, read back and judged. */
async function oneGate(ctx: PhaseContext, n: number, deadline: number): Promise<GateOutcome> {
  const { plan, tracker } = ctx;
  const gate = plan.approval.gate!;
  const correlationId = correlationIdFor(plan.deploymentId, `approval-${n}`);
  // Nobody can review this gate until GitHub holds its run: the previous gate's "approve on
  // GitHub" text must not stand meanwhile (state only, no command).
  tracker.setWaitingFor(undefined);
  const dispatch: DispatchWorkflowInput = {
    github: plan.github,
    workflow: gate.workflow,
    ref: gate.ref,
    correlationId,
    inputs: gateInputs(correlationId, ctx.target, ctx.sha, plan.environments[ctx.target].url),
    ...dispatchWindowOf(plan),
  };
  const unwatch = watchLostDispatch(ctx, 'approval', dispatch);
  const run = await dispatcher(plan)
    .dispatchWorkflow.executeWithOptions({ summary: `dispatch ${gate.workflow} (QA gate ${n})` }, [dispatch])
    .finally(unwatch);
  tracker.setGate({ ...tracker.status.gate!, runId: run.runId, url: run.url });
  const status = () => tracker.status.gate!;
  try {
    const opened = await waiting(plan, 60_000).openGate.executeWithOptions({ summary: `open QA gate ${n} (run ${run.runId})` }, [
      { github: plan.github, runId: run.runId, environment: gate.environment },
    ]);
    if (opened.reviewers.length > 0) tracker.setGate({ ...status(), reviewers: opened.reviewers });
    tracker.update('approval', { url: run.url, detail: `gate run ${run.runId} waiting for ${who(status())} on GitHub` });
    tracker.setWaitingFor(
      `approval on GitHub by ${who(status())}${status().approvedBy.length > 0 ? ` (${status().approvedBy.length} of ${status().approvalsNeeded} so far)` : ''}: ` +
        `open ${run.url} → Review deployments, or \`${bluegreenCommand('approve', plan.service, '[--comment "..."]')}\` with your own GITHUB_TOKEN ` +
        `(reject: \`${bluegreenCommand('reject', plan.service, '--reason "..."')}\`)`,
    );
    gateNoticesOf(ctx).waiting(status());
    const left = deadline - Date.now();
    if (left <= 0 || !(await waitForGate(ctx, dispatch, run, left))) {
      await cancelGate(ctx, run.runId);
      return {
        kind: 'ended',
        reason: `no approval within ${formatDuration(plan.approval.timeoutMs)} (gate run ${run.runId} cancelled)`,
      };
    }
  } catch (err) {
    // An abort (or a gate GitHub cannot answer for) leaves no gate run waiting on GitHub.
    await cancelGate(ctx, run.runId);
    throw err;
  }
  const decision = await quick.readGateDecision.executeWithOptions({ summary: `read who decided QA gate ${n}` }, [
    { github: plan.github, runId: run.runId, correlationId, sha: ctx.sha, environment: gate.environment },
  ]);
  const outcome = judgeGate(decision, {
    rules: approvalRulesOf(plan),
    ...(tracker.status.deployer ? { deployer: tracker.status.deployer.login } : {}),
    counted: status().approvedBy,
    isApprover: await isApprover(ctx, decision),
  });
  record(ctx, decision, outcome);
  return outcome;
}

/** True once the gate run completed; false when `ms` passed first. Woken early by the webhook. */
async function waitForGate(
  ctx: PhaseContext,
  dispatch: DispatchWorkflowInput,
  run: WorkflowRunRef,
  ms: number,
): Promise<boolean> {
  const { plan } = ctx;
  const { runId } = run;
  const polling = new CancellationScope();
  const polled = polling.run(() =>
    waiting(plan, ms)
      .waitForWorkflowRun.executeWithOptions({ summary: `wait for QA gate run ${runId}` }, [waitInput(ctx, dispatch, run)])
      .then((result) => (reportDuplicates(ctx, dispatch, result), result)),
  );
  const woken = condition(() => ctx.completedRuns.has(runId), ms);
  const first = await Promise.race([polled.then(() => 'completed' as const), woken.then((ok) => (ok ? 'completed' : 'timeout'))]);
  if (first === 'completed') {
    polling.cancel();
    await polled.catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
    return true;
  }
  polling.cancel();
  await polled.catch(() => undefined);
  return false;
}

async function cancelGate(ctx: PhaseContext, runId: number): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    try {
      await quick.cancelWorkflowRun.executeWithOptions({ summary: `cancel QA gate run ${runId}` }, [
        { github: ctx.plan.github, runId },
      ]);
    } catch (err) {
      log.warn('could not cancel the QA gate run', { runId, error: describeFailure(err) });
    }
  });
}

/** Whether the approving login is an approver: listed, or a member of a listed team (read from GitHub). */
async function isApprover(ctx: PhaseContext, decision: GateDecision): Promise<boolean> {
  const { approvers } = approvalRulesOf(ctx.plan);
  const login = approvingLogin(decision);
  if (approvers.length === 0 || login === undefined) return true;
  if (approvers.some((a) => a.toLowerCase() === login.toLowerCase())) return true;
  for (const team of approvers.filter((a) => a.includes('/'))) {
    const [org, slug] = team.split('/') as [string, string];
    const member = await quick.isTeamMember.executeWithOptions({ summary: `is @${login} in ${team}?` }, [
      { github: ctx.plan.github, org, team: slug, login },
    ]);
    if (member) return true;
  }
  return false;
}

function record(ctx: PhaseContext, decision: GateDecision, outcome: GateOutcome): void {
  if (outcome.kind === 'ended') return;
  const approvals = ctx.tracker.status.approvals;
  // Released with no review at all: an administrator bypassed the environment's rules.
  const bypass = decision.boundToBuild && decision.conclusion === 'success' && approvingLogin(decision) === undefined;
  const entry: ApprovalRecord = {
    by: outcome.login ?? (bypass ? 'bypass' : '(no reviewer)'),
    decision: outcome.kind === 'rejected' ? 'rejected' : 'approved',
    at: decision.readAt,
    ...(outcome.comment ? { comment: outcome.comment } : {}),
    counted: outcome.kind !== 'refused',
    ...(outcome.kind === 'refused' ? { note: outcome.reason } : {}),
    verified: outcome.login !== undefined,
    gateRunId: decision.runId,
    ...(bypass ? { bypass: true } : {}),
  };
  if (approvals.length < 100) ctx.tracker.recordApproval(entry);
}

function who(status: GateStatus): string {
  return status.reviewers.length > 0
    ? `a required reviewer of ${status.environment} (${orList(status.reviewers)})`
    : `a required reviewer of ${status.environment}`;
}

function stop(ctx: PhaseContext, detail: string, message: string): never {
  ctx.tracker.setWaitingFor(undefined);
  ctx.tracker.finish('approval', 'failed', detail);
  throw new DeploymentStop('ABORTED', message);
}
