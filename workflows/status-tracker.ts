// Keeps the DeploymentStatus that the `status` query returns, and mirrors it into search
// attributes and the Web UI's current details. The only writer of the status: everyone else
// reads it (`status`, read-only) and changes it through a method here. Deterministic: only
// workflow time is used.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type {
  AnalysisPhase,
  AnalysisStatus,
  ApprovalRecord,
  Color,
  DeploymentPlan,
  DeploymentStatus,
  DnsStatus,
  GateStatus,
  NotificationsStatus,
  IgnoredSignal,
  Outcome,
  PhaseAnalysis,
  PhaseName,
  PhaseStatus,
  StandbyStatus,
  StatusView,
  TestRunStatus,
  WeightStatus,
} from '../contract/types.js';
import type { CheckSummary } from '../analysis/types.js';
import { currentDetails } from '../views/current-details.js';
import { searchAttribute } from '../contract/search-attributes.js';
import { DONE, initialPhases, phaseFamily, phasePosition } from '../contract/vocabulary.js';
import { recordPhaseDuration } from './metrics.js';

const nowIso = (): string => new Date().toISOString();

export class StatusTracker {
  readonly #status: DeploymentStatus;

  constructor(plan: DeploymentPlan) {
    this.#status = {
      service: plan.service,
      deploymentId: plan.deploymentId,
      phase: 'plan',
      requestedBy: plan.requestedBy,
      startedAt: nowIso(),
      phases: initialPhases(plan),
      approvals: [],
      approvers: [...plan.approval.approvers],
    };
  }

  get status(): StatusView {
    return this.#status;
  }

  /** The status as the `status` query returns it (serialised, so nobody holds it). */
  snapshot(): DeploymentStatus {
    return this.#status;
  }

  /** The phase's entry; a phase listed only when it runs (window, rollback) is added at its place in the table. */
  private phaseEntry(name: PhaseName): PhaseStatus {
    let entry = this.#status.phases.find((p) => p.name === name);
    if (!entry) {
      entry = { name, state: 'pending' };
      this.#status.phases.splice(
        phasePosition(
          this.#status.phases.map((p) => p.name),
          name,
        ),
        0,
        entry,
      );
    }
    return entry;
  }

  /** The phase running now or last, until the deployment ends. */
  currentPhase(): PhaseName | undefined {
    return this.#status.phase === DONE ? undefined : this.#status.phase;
  }

  start(name: PhaseName, detail?: string): void {
    const entry = this.phaseEntry(name);
    entry.state = 'running';
    entry.startedAt = nowIso();
    delete entry.endedAt;
    if (detail !== undefined) entry.detail = detail;
    this.#status.phase = name;
    upsertSearchAttributes([searchAttribute.phase(phaseFamily(name))]);
    this.publish();
  }

  update(name: PhaseName, fields: Partial<Pick<PhaseStatus, 'detail' | 'url'>>): void {
    Object.assign(this.phaseEntry(name), fields);
    this.publish();
  }

  finish(name: PhaseName, state: 'succeeded' | 'failed' | 'skipped' | 'cancelled', detail?: string): void {
    const entry = this.phaseEntry(name);
    entry.state = state;
    entry.endedAt = nowIso();
    if (detail !== undefined) entry.detail = detail;
    if (state !== 'skipped') recordPhaseDuration(name, entry.startedAt, entry.endedAt);
    this.publish();
  }

  setColors(active: Color, target: Color, sha: string): void {
    this.#status.activeColor = active;
    this.#status.targetColor = target;
    this.#status.sha = sha;
    upsertSearchAttributes([searchAttribute.targetColor(target)]);
  }

  setWaitingFor(text: string | undefined): void {
    if (text === undefined) delete this.#status.waitingFor;
    else this.#status.waitingFor = text;
    this.publish();
  }

  /** Something the outcome alone would hide (a dispatch that ran twice), kept in `notes`. */
  addNote(text: string): void {
    (this.#status.notes ??= []).push(text);
    this.publish();
  }

  /** What the monitor window saw (probes, failures), as the status and the CLI show it. */
  setMonitor(monitor: NonNullable<DeploymentStatus['monitor']>): void {
    this.#status.monitor = monitor;
    this.publish();
  }

  /** The approval rules the plan phase settled on: who may approve and promote; a required gate is pending. */
  setApprovalRules(rules: {
    required: boolean;
    approvers: readonly string[];
    promoters: readonly string[];
    allowSelfApproval?: boolean;
  }): void {
    this.#status.approvers = [...rules.approvers];
    if (rules.allowSelfApproval !== undefined) this.#status.allowSelfApproval = rules.allowSelfApproval;
    this.#status.promoters = [...rules.promoters];
    const entry = this.phaseEntry('approval');
    if (rules.required && entry.state === 'skipped') entry.state = 'pending';
  }

  /** What the plan phase found beside the colors: what the live color runs (for a revert) and what this deployment reverts. */
  setPrevious(previous: DeploymentStatus['previous'], revertOf: string | undefined): void {
    if (previous) this.#status.previous = previous;
    if (revertOf !== undefined) this.#status.revertOf = revertOf;
  }

  /** Sync redeployed the old color: a revert must deploy it again. */
  previousRedeployed(): void {
    if (this.#status.previous) this.#status.previous = { ...this.#status.previous, warm: false };
  }

  /** The QA gate on GitHub: set whole (fields dropped when absent). */
  setGate(gate: GateStatus): void {
    this.#status.gate = gate;
    this.publish();
  }

  /** The deployer as GitHub vouches for them (approval via GitHub). */
  setDeployer(login: string): void {
    this.#status.deployer = { login, verified: true };
  }

  /** A switch window or freeze holds the switch (or was overridden). */
  setSwitchWindow(window: NonNullable<DeploymentStatus['switchWindow']>): void {
    this.#status.switchWindow = window;
    this.publish();
  }

  /** The bake: until when rollback is instant, and who ended it early. */
  /** The traffic split the switch (or a rollback) set last. */
  setWeight(weight: Omit<WeightStatus, 'since'>): void {
    this.#status.weight = { ...weight, since: nowIso() };
    this.publish();
  }

  /** The hot standby as its last probe saw it (monitor.standby). */
  setStandby(standby: StandbyStatus): void {
    this.#status.standby = standby;
    this.publish();
  }

  setBake(bake: NonNullable<DeploymentStatus['bake']>): void {
    this.#status.bake = bake;
    this.publish();
  }

  /** A step that failed waits for retry or abort (undefined: no longer). */
  setStepFailure(failure: DeploymentStatus['stepFailure'], waitingFor: string | undefined): void {
    if (failure) this.#status.stepFailure = failure;
    else delete this.#status.stepFailure;
    this.setWaitingFor(waitingFor);
  }

  /** The attempt a retried step runs now. */
  countAttempt(step: string, attempt: number): void {
    this.#status.attempts = { ...this.#status.attempts, [step]: attempt };
  }

  /** The notifications sent and failed so far (the Web UI shows failures). */
  setNotifications(notifications: NotificationsStatus): void {
    this.#status.notifications = notifications;
    this.publish();
  }

  /** A decision on the approval gate, counted or not (bounded by the caller). */
  recordApproval(record: ApprovalRecord): void {
    this.#status.approvals.push(record);
    this.publish();
  }

  /** A signal that changed nothing, newest last, the last `keep` kept. */
  recordIgnoredSignal(ignored: IgnoredSignal, keep: number): void {
    const list = (this.#status.ignoredSignals ??= []);
    if (list.length >= keep) list.shift();
    list.push(ignored);
    this.publish();
  }

  /**
   * What verify or monitor measured (status.analyses): the fields given replace theirs.
   * `metrics: 'drop-running'` drops a metric analysis still marked running: its activity was
   * cancelled, no counts came back (a finished one stays).
   */
  setAnalysis(phase: AnalysisPhase, change: { checks?: CheckSummary[]; metrics?: AnalysisStatus | 'drop-running' }): void {
    const { checks, metrics } = change;
    const current = this.#status.analyses?.[phase];
    const drop = metrics === 'drop-running' && current?.metrics?.verdict === 'running';
    const set = metrics === 'drop-running' ? undefined : metrics;
    if (checks === undefined && set === undefined && !drop) return;
    const next: PhaseAnalysis = { ...current, ...(checks ? { checks } : {}), ...(set ? { metrics: set } : {}) };
    if (drop) delete next.metrics;
    const analyses = { ...this.#status.analyses, [phase]: next };
    if (!next.checks && !next.metrics) delete analyses[phase];
    this.#status.analyses = analyses;
    this.publish();
  }

  /** One verify.tests run, added or updated by name. */
  setTest(test: TestRunStatus): void {
    const tests = (this.#status.tests ??= []);
    const i = tests.findIndex((t) => t.name === test.name);
    if (i >= 0) tests[i] = test;
    else tests.push(test);
    this.publish();
  }

  /** The DNS side of the last switch or rollback (per-nameserver answers). */
  setDns(dns: DnsStatus): void {
    this.#status.dns = dns;
    this.publish();
  }

  /** The first postSync hook starts: rollback is no longer possible. */
  passPointOfNoReturn(): void {
    this.#status.pointOfNoReturn = true;
    this.publish();
  }

  complete(outcome: Outcome, error?: string): DeploymentStatus {
    this.setAnalysis('verify', { metrics: 'drop-running' });
    this.setAnalysis('monitor', { metrics: 'drop-running' });
    for (const entry of this.#status.phases) {
      if (entry.state === 'pending') entry.state = 'skipped';
      if (entry.state === 'running') {
        entry.state = 'cancelled';
        entry.endedAt = nowIso();
      }
    }
    this.#status.outcome = outcome;
    this.#status.phase = DONE;
    this.#status.endedAt = nowIso();
    delete this.#status.waitingFor;
    if (error !== undefined) this.#status.error = error;
    upsertSearchAttributes([searchAttribute.phase(DONE), searchAttribute.outcome(outcome)]);
    this.publish();
    return this.#status;
  }

  /** The Web UI's "current details": what is happening and what a human must do next. */
  private publish(): void {
    setCurrentDetails(currentDetails(this.#status));
  }
}
