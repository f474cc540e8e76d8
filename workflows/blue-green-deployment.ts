// blueGreenDeployment: one durable workflow per deployment of a service.
//   plan → deploy → verify → approval → [preSwitch hooks] → switch → monitor → sync → [postSync hooks]
//   before the switch any stop is ABORTED/FAILED with traffic untouched; after it, a failed
//   monitor or a rollback request switches back (ROLLED_BACK).
import { CancellationScope, condition, isCancellation, log, patched, setHandler } from '@temporalio/workflow';
import type { DispatchWorkflowInput, DnsSwitchResult, WorkflowRunResult } from '../activities/types.js';
import { dispatcher, quick, runWaiter, waiting } from './activity-proxies.js';
import type { CleanDecision } from './decisions.js';
import { registerHandlers, type HumanInput } from './human-input.js';
import { correlationIdFor, deployInputs, hookInputs, switchInputs } from './dispatch-inputs.js';
import { switchDnsRecord, verifyDnsRecord } from './dns-steps.js';
import { DeploymentStop, describeFailure, isTimeout } from './failures.js';
import { formatDuration, orList, shortSha } from './format.js';
import * as messages from './messages.js';
import { Notifier, type EventInput } from './notifier.js';
import { StatusTracker } from './status-tracker.js';
import {
  otherColor,
  type Color,
  type DeploymentPlan,
  type DeploymentStatus,
  type HookPlan,
  type Outcome,
  type PhaseName,
} from './types.js';

/**
 * How often, at most, the public endpoint is read while waiting for a switch to show (DNS/TTL
 * lag): one cheap GET a second, so a long verify interval does not delay every switch and
 * rollback by up to that interval once traffic has moved.
 */
const PUBLIC_COLOR_POLL_MS = 1_000;

export async function blueGreenDeployment(plan: DeploymentPlan): Promise<DeploymentStatus> {
  const tracker = new StatusTracker(plan);
  const human: HumanInput = { approvalOpen: false };
  registerHandlers(plan, tracker, human);
  // Runs the webhook receiver said are finished; bounded, a flood of signals cannot grow it.
  const completedRuns = new Set<number>();
  setHandler(messages.runCompletedSignal, ({ runId }) => {
    if (Number.isSafeInteger(runId) && completedRuns.size < 1000) completedRuns.add(runId);
  });
  const run = new DeploymentRun(plan, tracker, human, completedRuns);
  return run.execute();
}

class DeploymentRun {
  private activeColor!: Color;
  private targetColor!: Color;
  private sha!: string;
  /** The GitHub deployment record's id once created (undefined when it could not be). */
  private githubDeployment: Promise<number | undefined> = Promise.resolve(undefined);
  /** The `in_progress` status, written while verify runs; the final status waits for it. */
  private inProgressStatus: Promise<void> = Promise.resolve();
  /** Whether the GitHub deployment record and its first status are written off the critical path. */
  private recordsInBackground = false;
  private readonly notifier: Notifier;

  constructor(
    private readonly plan: DeploymentPlan,
    private readonly tracker: StatusTracker,
    private readonly human: HumanInput,
    private readonly completedRuns: ReadonlySet<number> = new Set(),
  ) {
    this.notifier = new Notifier(plan, tracker.status);
  }

  /** The event's route and the run of the moment, from what the deployment knows now. */
  private notify(input: Omit<EventInput, 'from' | 'to' | 'sha'>): void {
    this.notifier.notify({
      ...(this.activeColor ? { from: this.activeColor, to: this.targetColor, sha: this.sha } : {}),
      ...input,
    });
  }

  private phaseUrl(name: PhaseName): string | undefined {
    return this.tracker.status.phases.find((p) => p.name === name)?.url;
  }

  async execute(): Promise<DeploymentStatus> {
    try {
      await this.beforeSwitch();
      return await this.afterSwitch();
    } catch (err) {
      if (err instanceof DeploymentStop) return this.finish(err.outcome, err.message);
      // Anything else is a bug or an activity failure we did not expect: end FAILED, say why,
      // on the phase it happened in too (not "cancelled", which reads as someone's decision).
      const why = describeFailure(err);
      log.error('deployment failed unexpectedly', { error: why });
      const current = this.tracker.status.phases.find((p) => p.name === this.tracker.status.phase);
      if (current?.state === 'running') this.tracker.finish(current.name, 'failed', why);
      return this.finish('FAILED', why);
    }
  }

  /** plan → deploy → verify → approval: an abort cancels whatever is running. */
  private async beforeSwitch(): Promise<void> {
    const scope = new CancellationScope();
    void condition(() => this.human.abort !== undefined).then(() => scope.cancel());
    try {
      await scope.run(async () => {
        await this.planPhase();
        await this.deployPhase();
        await this.verifyPhase();
        await this.approvalPhase();
      });
    } catch (err) {
      if (isCancellation(err) && this.human.abort) {
        const { by, text } = this.human.abort;
        this.tracker.finish(this.tracker.status.phase, 'cancelled', `aborted by ${by}`);
        throw new DeploymentStop('ABORTED', `aborted by ${by}: ${text ?? 'no reason given'} (traffic never moved)`);
      }
      throw err;
    }
  }

  private async afterSwitch(): Promise<DeploymentStatus> {
    for (const hook of this.plan.hooks.preSwitch) {
      this.stopIfAborted();
      await this.hookStep(`preSwitch:${hook.name}`, hook, 'ABORTED');
    }
    this.stopIfAborted();
    const switchFailure = await this.switchPhase();
    if (switchFailure) return this.rollbackPhase(switchFailure);
    const rollbackReason = await this.monitorPhase();
    if (rollbackReason) return this.rollbackPhase(rollbackReason);
    await this.syncPhase();
    if (this.human.rollback) return this.rollbackPhase(this.describeRollbackRequest(this.human.rollback));
    if (this.plan.hooks.postSync.length > 0) {
      this.tracker.status.pointOfNoReturn = true;
      for (const hook of this.plan.hooks.postSync) {
        await this.hookStep(`postSync:${hook.name}`, hook, 'FAILED');
      }
    }
    return this.finish('SUCCEEDED');
  }

  /**
   * An abort during the preSwitch hooks lets the running hook finish (a migration cut off
   * half-way is worse than a finished expand, which the old color runs on), then stops here.
   */
  private stopIfAborted(): void {
    if (!this.human.abort) return;
    const { by, text } = this.human.abort;
    const done = this.tracker.status.phases.filter((p) => p.name.startsWith('preSwitch:') && p.state === 'succeeded');
    const hooks = done.length > 0 ? `; hooks already run: ${done.map((p) => p.name.slice('preSwitch:'.length)).join(', ')}` : '';
    throw new DeploymentStop('ABORTED', `aborted by ${by}: ${text ?? 'no reason given'} (traffic never moved${hooks})`);
  }

  private async planPhase(): Promise<void> {
    const { plan, tracker } = this;
    tracker.start('plan', `reading the active color from ${plan.publicUrl}${plan.colorPath}`);
    this.activeColor = await quick.readActiveColor.executeWithOptions({ summary: `read active color from ${plan.publicUrl}` }, [
      { url: plan.publicUrl + plan.colorPath },
    ]);
    this.targetColor = plan.requestedColor ?? otherColor(this.activeColor);
    if (this.targetColor === this.activeColor) {
      tracker.finish('plan', 'failed', `${this.targetColor} is already live`);
      throw new DeploymentStop('FAILED', `${this.targetColor} is already the active color: deploy to the other color`);
    }
    const env = plan.environments[this.targetColor];
    this.sha = await quick.readBranchHead.executeWithOptions({ summary: `read head of ${env.branch}` }, [
      { github: plan.github, branch: env.branch },
    ]);
    tracker.setColors(this.activeColor, this.targetColor, this.sha);
    this.notify({ type: 'started', phase: 'plan', by: plan.requestedBy });
    // The record is for humans: created while the deploy run is dispatched, not before it.
    // Deployments started before this existed await it here (same commands on replay).
    this.recordsInBackground = patched('github-records-in-background');
    const record = this.recordGitHubDeployment();
    this.githubDeployment = record.catch(() => undefined);
    if (!this.recordsInBackground) await record;
    tracker.finish('plan', 'succeeded', `${this.activeColor} → ${this.targetColor} @ ${shortSha(this.sha)} (${env.branch})`);
  }

  private async deployPhase(): Promise<void> {
    const env = this.plan.environments[this.targetColor];
    const correlationId = correlationIdFor(this.plan.deploymentId, 'deploy');
    const result = await this.runGitHubWorkflow('deploy', {
      github: this.plan.github,
      workflow: env.deployWorkflow,
      ref: env.branch,
      correlationId,
      inputs: deployInputs(correlationId, this.targetColor, this.sha),
    });
    if (result.conclusion !== 'success') {
      throw new DeploymentStop('FAILED', `deploy run ${describeRunFailure(result)}; traffic untouched on ${this.activeColor}`);
    }
    const inProgress = this.setGitHubDeploymentStatus('in_progress', `deployed to ${this.targetColor}, verifying`);
    if (this.recordsInBackground) this.inProgressStatus = inProgress;
    else await inProgress;
  }

  private async verifyPhase(): Promise<void> {
    const { plan, tracker } = this;
    const env = plan.environments[this.targetColor];
    const { successes, intervalMs, timeoutMs, healthPath } = plan.verify;
    tracker.start('verify', `${env.url}${healthPath} must pass ${successes}× in a row and answer ${this.targetColor}`);
    const result = await waiting(plan, timeoutMs).verifyEnvironment.executeWithOptions(
      { summary: `verify ${this.targetColor} at ${env.url}` },
      [
        {
          baseUrl: env.url,
          healthPath,
          colorPath: plan.colorPath,
          expectColor: this.targetColor,
          successes,
          intervalMs,
          timeoutMs,
        },
      ],
    );
    if (!result.ok) {
      const why = `${this.targetColor} not healthy after ${formatDuration(timeoutMs)}: ${result.lastFailure ?? 'unknown'}`;
      tracker.finish('verify', 'failed', why);
      throw new DeploymentStop('FAILED', `verify failed: ${why}; traffic untouched on ${this.activeColor}`);
    }
    tracker.finish('verify', 'succeeded', `${result.attempts} probes, ${successes} in a row healthy`);
  }

  private async approvalPhase(): Promise<void> {
    const { plan, tracker, human } = this;
    if (!plan.approval.required) return;
    // Nothing of ours in flight while a human decides (a worker may come and go meanwhile).
    await this.inProgressStatus;
    const approvers = plan.approval.approvers;
    const who = approvers.length > 0 ? orList(approvers) : 'anyone';
    tracker.start('approval', `waiting up to ${formatDuration(plan.approval.timeoutMs)} for ${who}`);
    const warning =
      plan.hooks.postSync.length > 0
        ? ` Note: after monitoring, the post-sync hooks (${plan.hooks.postSync.map((h) => h.name).join(', ')}) are a point of no return: rollback will no longer be possible.`
        : '';
    tracker.setWaitingFor(
      `approval by ${who}: npx bluegreen approve ${plan.service} --by <name> [--comment "..."]` +
        ` (or: npx bluegreen reject ${plan.service} --by <name> --reason "...")` +
        warning,
    );
    human.approvalOpen = true;
    const waiting: EventInput = {
      type: 'approval-waiting',
      phase: 'approval',
      from: this.activeColor,
      to: this.targetColor,
      sha: this.sha,
      approvers,
      command: `npx bluegreen approve ${plan.service} --by <name> [--comment "..."]`,
      ...(tracker.status.waitingFor ? { detail: tracker.status.waitingFor } : {}),
      ...(this.phaseUrl('deploy') ? { runUrl: this.phaseUrl('deploy')! } : {}),
    };
    this.notifier.notify(waiting);
    const stopReminders = this.notifier.remindWhileWaiting(waiting, plan.approval.timeoutMs);
    const decided = await condition(() => human.approval !== undefined, plan.approval.timeoutMs);
    stopReminders();
    human.approvalOpen = false;
    tracker.setWaitingFor(undefined);
    if (!decided || !human.approval) {
      tracker.finish('approval', 'failed', 'timed out');
      throw new DeploymentStop('ABORTED', `no approval within ${formatDuration(plan.approval.timeoutMs)}; traffic untouched`);
    }
    const { kind, by, text } = human.approval;
    this.notify({ type: kind === 'reject' ? 'rejected' : 'approved', phase: 'approval', by, ...(text ? { detail: text } : {}) });
    if (kind === 'reject') {
      tracker.finish('approval', 'failed', `rejected by ${by}`);
      throw new DeploymentStop('ABORTED', `rejected by ${by}: ${text ?? 'no reason given'}; traffic untouched`);
    }
    tracker.finish('approval', 'succeeded', `approved by ${by}${text ? `: ${text}` : ''}`);
  }

  /** Returns why to switch back when traffic may have moved without being confirmed. */
  private async switchPhase(): Promise<string | undefined> {
    const { tracker } = this;
    tracker.start('switch', `moving traffic ${this.activeColor} → ${this.targetColor}`);
    let dnsNote: string | undefined;
    try {
      dnsNote = await this.switchTraffic('switch', this.targetColor);
    } catch (err) {
      if (!(err instanceof DeploymentStop)) throw err;
      tracker.finish('switch', 'failed', err.message);
      // Where traffic is now decides the outcome: switch back if it may have moved.
      const now = await quick.readActiveColor
        .executeWithOptions({ summary: 'read active color after failed switch' }, [
          { url: this.plan.publicUrl + this.plan.colorPath },
        ])
        .catch(() => undefined);
      if (now === this.activeColor) {
        throw new DeploymentStop('FAILED', `${err.message}; traffic still on ${this.activeColor}`);
      }
      return `switch not confirmed: ${err.message}`;
    }
    tracker.finish('switch', 'succeeded', `public endpoint answers ${this.targetColor}${dnsNote ? `; ${dnsNote}` : ''}`);
    const switchRun = this.phaseUrl('switch');
    this.notify({
      type: 'switched',
      phase: 'switch',
      detail: `public endpoint answers ${this.targetColor}`,
      ...(switchRun ? { runUrl: switchRun } : {}),
    });
    return undefined;
  }

  /** Returns why to roll back, or undefined when the new color held (or was promoted). */
  private async monitorPhase(): Promise<string | undefined> {
    const { plan, tracker, human } = this;
    const { durationMs, intervalMs, failureThreshold } = plan.monitor;
    const rollbackHint = `npx bluegreen rollback ${plan.service} --by <name> --reason "..."`;
    tracker.start('monitor', `probing ${plan.publicUrl} every ${formatDuration(intervalMs)} for ${formatDuration(durationMs)}`);
    tracker.setWaitingFor(
      `the monitor window to end by itself (no action needed). To end it early: npx bluegreen promote ${plan.service} --by <name>; to switch back: ${rollbackHint}`,
    );
    const scope = new CancellationScope();
    const monitoring = scope.run(() =>
      waiting(plan, durationMs).monitorPublicEndpoint.executeWithOptions(
        { summary: `monitor ${plan.publicUrl} for ${formatDuration(durationMs)}` },
        [
          {
            publicUrl: plan.publicUrl,
            healthPath: plan.verify.healthPath,
            colorUrl: plan.publicUrl + plan.colorPath,
            expectColor: this.targetColor,
            durationMs,
            intervalMs,
            failureThreshold,
          },
        ],
      ),
    );
    const interrupted = condition(() => human.rollback !== undefined || human.promote !== undefined);
    let verdict: 'healthy' | 'unhealthy' | 'interrupted';
    let reason: string | undefined;
    try {
      const first = await Promise.race([monitoring, interrupted.then(() => undefined)]);
      if (first === undefined) {
        verdict = 'interrupted';
        scope.cancel();
        await monitoring.catch((err) => {
          if (!isCancellation(err)) throw err;
        });
      } else {
        verdict = first.verdict;
        tracker.status.monitor = {
          probes: first.probes,
          failures: first.failures,
          consecutiveFailures: first.verdict === 'unhealthy' ? failureThreshold : 0,
          ...(first.lastFailure !== undefined ? { lastFailure: first.lastFailure } : {}),
        };
        reason = `${failureThreshold} consecutive failures on ${plan.publicUrl}: ${first.lastFailure ?? 'unknown'}`;
      }
    } catch (err) {
      if (human.rollback || human.promote) {
        verdict = 'interrupted';
      } else {
        verdict = 'unhealthy';
        reason = `monitoring failed: ${describeFailure(err)}`;
      }
    }
    tracker.setWaitingFor(undefined);

    if (verdict === 'interrupted' && human.rollback) {
      tracker.finish('monitor', 'cancelled', `rollback requested by ${human.rollback.by}`);
      return this.describeRollbackRequest(human.rollback);
    }
    if (verdict === 'interrupted' && human.promote) {
      tracker.finish('monitor', 'succeeded', `promoted early by ${human.promote.by}`);
      return undefined;
    }
    if (verdict === 'healthy') {
      tracker.finish('monitor', 'succeeded', `healthy for ${formatDuration(durationMs)}`);
      return undefined;
    }
    tracker.finish('monitor', 'failed', reason);
    this.notify({ type: 'analysis-failed', phase: 'monitor', ...(reason ? { detail: reason } : {}) });
    if (plan.rollback.automatic) return reason;
    // No automatic rollback: a human decides, the deployment waits for them.
    tracker.setWaitingFor(`a decision: monitoring failed. ${rollbackHint} or npx bluegreen promote ${plan.service} --by <name>`);
    await condition(() => human.rollback !== undefined || human.promote !== undefined);
    tracker.setWaitingFor(undefined);
    return human.rollback ? this.describeRollbackRequest(human.rollback) : undefined;
  }

  private async syncPhase(): Promise<void> {
    const { plan, tracker } = this;
    if (!plan.sync.enabled) return;
    const oldEnv = plan.environments[this.activeColor];
    const newEnv = plan.environments[this.targetColor];
    tracker.start('sync', `bringing ${oldEnv.branch} level with ${newEnv.branch}`);
    try {
      const merge = await quick.syncBranch.executeWithOptions({ summary: `merge ${newEnv.branch} into ${oldEnv.branch}` }, [
        {
          github: plan.github,
          base: oldEnv.branch,
          head: newEnv.branch,
          commitMessage: `bluegreen: sync ${oldEnv.branch} with ${newEnv.branch} (${plan.deploymentId})`,
        },
      ]);
      if (plan.sync.redeploy) {
        const correlationId = correlationIdFor(plan.deploymentId, 'sync');
        const sha = merge.sha ?? this.sha;
        const result = await this.runGitHubWorkflow('sync', {
          github: plan.github,
          workflow: oldEnv.deployWorkflow,
          ref: oldEnv.branch,
          correlationId,
          inputs: deployInputs(correlationId, this.activeColor, sha),
        });
        if (result.conclusion !== 'success') {
          tracker.finish('sync', 'failed', `redeploy of ${this.activeColor} ${describeRunFailure(result)}`);
          this.notify({
            type: 'sync-failed',
            phase: 'sync',
            detail: `redeploy of ${this.activeColor} ${describeRunFailure(result)}`,
            runUrl: result.url,
          });
          return;
        }
      }
      tracker.finish('sync', 'succeeded', `${oldEnv.branch} ${merge.result === 'merged' ? 'merged' : 'already level'}`);
    } catch (err) {
      // Traffic is already on the new color and healthy: a failed sync is reported, not fatal.
      tracker.finish('sync', 'failed', describeFailure(err));
      this.notify({ type: 'sync-failed', phase: 'sync', detail: describeFailure(err) });
    }
  }

  private async rollbackPhase(reason: string): Promise<DeploymentStatus> {
    this.tracker.start('rollback', `switching traffic back to ${this.activeColor}: ${reason}`);
    let dnsNote: string | undefined;
    try {
      dnsNote = await this.switchTraffic('rollback', this.activeColor);
    } catch (err) {
      const why = describeFailure(err);
      this.tracker.finish('rollback', 'failed', why);
      throw new DeploymentStop(
        'FAILED',
        `rollback to ${this.activeColor} failed: ${why}. Check the public endpoint and switch by hand`,
      );
    }
    this.tracker.finish('rollback', 'succeeded', `public endpoint answers ${this.activeColor}${dnsNote ? `; ${dnsNote}` : ''}`);
    this.notify({ type: 'rolled-back', phase: 'rollback', detail: reason, ...this.timeOnNewColor() });
    return this.finish('ROLLED_BACK', reason);
  }

  /**
   * Runs the configured switch to `color`, checks the DNS record at every nameserver when `dns`
   * is configured, then waits until the public endpoint answers `color`. Returns the DNS note.
   */
  private async switchTraffic(phase: 'switch' | 'rollback', color: Color): Promise<string | undefined> {
    const { plan, tracker } = this;
    const sw = plan.switch;
    let dnsSwitch: DnsSwitchResult | undefined;
    if (sw.type === 'workflow') {
      const correlationId = correlationIdFor(plan.deploymentId, phase);
      const result = await this.runGitHubWorkflow(phase, {
        github: plan.github,
        workflow: sw.workflow,
        ref: sw.ref,
        correlationId,
        inputs: switchInputs(correlationId, color),
      });
      if (result.conclusion !== 'success') throw new DeploymentStop('FAILED', `switch run ${describeRunFailure(result)}`);
    } else if (sw.type === 'http') {
      try {
        await quick.switchViaHttp.executeWithOptions({ summary: `POST ${sw.url} color=${color}` }, [
          { url: sw.url, tokenEnv: sw.tokenEnv, color },
        ]);
      } catch (err) {
        // A refused switch (bad token, the router cannot serve that color yet) is a failed
        // switch like a failed DNS run: the caller checks where traffic is and decides.
        if (isCancellation(err)) throw err;
        throw new DeploymentStop('FAILED', `switch via ${sw.url}: ${describeFailure(err)}`);
      }
    } else {
      dnsSwitch = await switchDnsRecord(plan, sw, color, tracker, phase);
    }
    const dnsNote = plan.dns ? await verifyDnsRecord(plan, color, sw.verifyTimeoutMs, tracker, phase, dnsSwitch) : undefined;
    tracker.update(phase, { detail: `waiting for ${plan.publicUrl}${plan.colorPath} to answer ${color}` });
    const seen = await waiting(plan, sw.verifyTimeoutMs).waitForPublicColor.executeWithOptions(
      { summary: `wait for public endpoint to answer ${color}` },
      [
        {
          url: plan.publicUrl + plan.colorPath,
          color,
          timeoutMs: sw.verifyTimeoutMs,
          intervalMs: Math.min(plan.verify.intervalMs, PUBLIC_COLOR_POLL_MS),
        },
      ],
    );
    if (!seen.ok) {
      throw new DeploymentStop(
        'FAILED',
        `public endpoint still answers ${seen.lastSeen ?? 'nothing'} ${formatDuration(sw.verifyTimeoutMs)} after switching to ${color}`,
      );
    }
    return dnsNote;
  }

  /** Dispatches a GitHub workflow exactly once for this step and waits for its run. */
  private async runGitHubWorkflow(phase: PhaseName, input: DispatchWorkflowInput): Promise<WorkflowRunResult> {
    const { tracker } = this;
    const what = `dispatch ${input.workflow} on ${input.ref}`;
    if (tracker.status.phase !== phase) tracker.start(phase, what);
    else tracker.update(phase, { detail: what });
    try {
      const run = await dispatcher(this.plan).dispatchWorkflow.executeWithOptions({ summary: what }, [input]);
      tracker.update(phase, { url: run.url, detail: `${input.workflow} run ${run.runId} in progress` });
      const result = await this.waitForRun(input, run.runId);
      tracker.update(phase, { url: result.url, detail: `${input.workflow} run ${result.conclusion}` });
      if (phase === 'deploy' || phase.includes(':')) {
        tracker.finish(phase, result.conclusion === 'success' ? 'succeeded' : 'failed');
      }
      return result;
    } catch (err) {
      if (isCancellation(err) || err instanceof DeploymentStop) throw err;
      const why = isTimeout(err)
        ? `${input.workflow} run did not complete within ${formatDuration(this.plan.deploy.runTimeoutMs)}`
        : describeFailure(err);
      tracker.finish(phase, 'failed', why);
      throw new DeploymentStop('FAILED', `${phase}: ${why}`);
    }
  }

  /**
   * Polls the run until it completes. A `runCompleted` signal (the webhook receiver) ends the
   * wait early: the poll is cancelled and the run read once more, since the signal only says
   * when to look and the API says how it ended. Deployments started before the signal existed
   * keep polling only (same commands on replay).
   */
  private async waitForRun(input: DispatchWorkflowInput, runId: number): Promise<WorkflowRunResult> {
    const poll = () =>
      runWaiter(this.plan).waitForWorkflowRun.executeWithOptions({ summary: `wait for ${input.workflow} run ${runId}` }, [
        { github: input.github, runId, pollIntervalMs: this.plan.deploy.pollIntervalMs },
      ]);
    if (!patched('webhook-run-completion')) return poll();
    const polling = new CancellationScope();
    const polled = polling.run(poll);
    const notified = condition(() => this.completedRuns.has(runId)).then(() => undefined);
    const first = await Promise.race([polled, notified]);
    if (first !== undefined) return first;
    polling.cancel();
    const late = await polled.catch((err: unknown) => {
      if (isCancellation(err) && !CancellationScope.current().consideredCancelled) return undefined;
      throw err;
    });
    return late ?? (await poll());
  }

  private async hookStep(phase: PhaseName, hook: HookPlan, outcomeOnFailure: Outcome): Promise<void> {
    const correlationId = correlationIdFor(this.plan.deploymentId, phase.replace(':', '-'));
    let result: WorkflowRunResult;
    try {
      result = await this.runGitHubWorkflow(phase, {
        github: this.plan.github,
        workflow: hook.workflow,
        ref: hook.ref,
        correlationId,
        inputs: hookInputs(hook.inputs, { newColor: this.targetColor, oldColor: this.activeColor, sha: this.sha }, correlationId),
      });
    } catch (err) {
      if (err instanceof DeploymentStop) throw new DeploymentStop(outcomeOnFailure, err.message);
      throw err;
    }
    if (result.conclusion !== 'success') {
      const where =
        outcomeOnFailure === 'ABORTED' ? `; traffic untouched on ${this.activeColor}` : `; traffic stays on ${this.targetColor}`;
      throw new DeploymentStop(outcomeOnFailure, `${phase} hook ${describeRunFailure(result)}${where}`);
    }
  }

  private describeRollbackRequest(decision: CleanDecision): string {
    return `rollback requested by ${decision.by}: ${decision.text ?? 'no reason given'}`;
  }

  private async finish(outcome: Outcome, error?: string): Promise<DeploymentStatus> {
    const state = outcome === 'SUCCEEDED' ? 'success' : outcome === 'ABORTED' ? 'inactive' : 'failure';
    this.notifyOutcome(outcome, error);
    await this.inProgressStatus;
    await this.setGitHubDeploymentStatus(state, error ?? `deployment ${outcome.toLowerCase()}`);
    await this.notifier.settle();
    return this.tracker.complete(outcome, error);
  }

  /** SUCCEEDED (how long it took), FAILED (where, the run) or ABORTED (unless a rejection said it already). */
  private notifyOutcome(outcome: Outcome, error: string | undefined): void {
    const phase = this.tracker.status.phase;
    if (outcome === 'SUCCEEDED') {
      const durationMs = Date.now() - Date.parse(this.tracker.status.startedAt);
      this.notify({ type: 'succeeded', phase: 'done', durationMs });
    } else if (outcome === 'FAILED') {
      const runUrl = this.phaseUrl(phase);
      this.notify({ type: 'failed', phase, ...(error ? { detail: error } : {}), ...(runUrl ? { runUrl } : {}) });
    } else if (outcome === 'ABORTED' && this.human.approval?.kind !== 'reject') {
      this.notify({ type: 'aborted', phase, ...(error ? { detail: error } : {}) });
    }
  }

  /** rolled-back: how long the public endpoint answered the new color (from the switch to now). */
  private timeOnNewColor(): { durationMs?: number } {
    const sw = this.tracker.status.phases.find((p) => p.name === 'switch');
    const since = sw?.endedAt ?? sw?.startedAt;
    return since ? { durationMs: Date.now() - Date.parse(since) } : {};
  }

  private async recordGitHubDeployment(): Promise<number | undefined> {
    try {
      return await quick.createGitHubDeployment.executeWithOptions(
        { summary: `record GitHub deployment to ${this.targetColor}` },
        [
          {
            github: this.plan.github,
            ref: this.sha,
            environment: this.targetColor,
            description: `bluegreen ${this.plan.deploymentId}: ${this.activeColor} → ${this.targetColor}`,
            correlationId: this.plan.deploymentId,
          },
        ],
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('could not record the GitHub deployment', { error: describeFailure(err) });
      return undefined;
    }
  }

  /** GitHub Deployments are a record for humans: a failure to write one never stops a deployment. */
  private async setGitHubDeploymentStatus(
    state: 'in_progress' | 'success' | 'failure' | 'inactive',
    description: string,
  ): Promise<void> {
    const githubDeploymentId = await this.githubDeployment;
    if (githubDeploymentId === undefined) return;
    try {
      await quick.setGitHubDeploymentStatus.executeWithOptions(
        { summary: `mark the GitHub deployment to ${this.targetColor} ${GITHUB_STATE_WORDS[state]}` },
        [
          {
            github: this.plan.github,
            deploymentId: githubDeploymentId,
            state,
            description: description.slice(0, 140),
            environmentUrl: this.plan.environments[this.targetColor].url,
          },
        ],
      );
    } catch (err) {
      log.warn('could not update the GitHub deployment status', { error: describeFailure(err) });
    }
  }
}

/** How a GitHub deployment state reads in an activity summary. */
const GITHUB_STATE_WORDS: Record<'in_progress' | 'success' | 'failure' | 'inactive', string> = {
  in_progress: 'in progress',
  success: 'successful',
  failure: 'failed',
  inactive: 'inactive',
};

function describeRunFailure(result: WorkflowRunResult): string {
  const where = [result.failedJob && `job "${result.failedJob}"`, result.failedStep && `step "${result.failedStep}"`]
    .filter(Boolean)
    .join(', ');
  return `ended ${result.conclusion}${where ? ` at ${where}` : ''}: ${result.url}`;
}
