// Every patch id of the workflow, in one place, each with the version that added it, what
// deployments started before it do, and where it stands in its life:
//
//   1. `isPatched(id)` (`patched()`): deployments started before the change replay their old
//      branch, new ones take the new branch and record the id's marker.
//   2. `deprecatedPatch(id)` (`deprecatePatch()`): the old branch, the activities only it used
//      and the histories without the marker are gone; the call still consumes the marker of a
//      deployment started by a step-1 worker, and new deployments record a deprecated marker.
//   3. Removed: no call at all. Safe one release after step 2, once every running deployment was
//      started by a step-2 worker (a deprecated marker replays without a call; a step-1 marker
//      does not). The id stays listed in RETIRED_PATCHES so that it is never used again.
//
// When may an id go from step 1 to step 2? When no deployment started without its marker can
// still be running: the release that added it has run on every worker for longer than a
// deployment can live (longestDeploymentMs below, from the worker policy's `limits`) AND
// `bluegreen list --running` shows no deployment started before that release (what the limits do
// not bound: step retries, a switch window or freeze, a failed monitor waiting for a person, the
// verify metric rounds). Step 2 to step 3 waits the same bound after the step-2 release.
//
// The package was first installable at 516c9fe (2026-12-06 21:17 UTC, version 0.1.0, never
// published before): an id added before that commit has an old branch that no package ever
// contained, only checkouts of this repository during its development. Those ids go to step 2
// in 0.1.0; the ids added after it stay at step 1 until 0.1.0 has been out for the bound.
// Next: in the first release after 0.1.0 has been out for the bound, remove the
// deprecatedPatch() calls and move DEPRECATED_PATCHES into RETIRED_PATCHES (step 3), with the
// histories of the code before step 2 (test/histories/*-7edcbcd.json, step-1 markers, which
// need the calls). The histories of step-2 code (*-37d1e7e.json, deprecated markers) replay
// without the calls: tried by making deprecatedPatch a no-op.
import { deprecatePatch, patched } from '@temporalio/workflow';

export interface PatchInfo {
  /** The bluegreen version and commit that added it. */
  added: string;
  /** What deployments started before it do (their branch, gone from step 2 on). */
  before: string;
  /** Why the id is at its step. */
  decision: string;
}

const NEVER_PACKAGED = 'added before the first packaged version (516c9fe): its old branch never shipped';
const AFTER_PACKAGING =
  'added after the first packaged version (516c9fe): its old branch is in 0.1.0; step 2 once 0.1.0 is out for the bound';
const IMPLIED = `${NEVER_PACKAGED}; implied by the marker of plan-reads-in-one-activity`;

/**
 * How long a deployment can run when nothing is retried and every wait runs to the worker
 * policy's cap (`limits`, worker/plan-bounds.ts): the approval gate, the inconclusive-analysis
 * questions of verify and monitor, the bake and a rollback held by an unhealthy old color, each up to maxWaitMs; the monitor window; the
 * two analyses' initial delays; and six runs or checks up to maxPhaseTimeoutMs each (deploy,
 * verify, verify.tests, the switch, the sync redeploy, a rollback's switch back).
 */
export function longestDeploymentMs(limits: {
  maxWaitMs: number;
  maxMonitorDurationMs: number;
  maxInitialDelayMs: number;
  maxPhaseTimeoutMs: number;
}): number {
  return 5 * limits.maxWaitMs + limits.maxMonitorDurationMs + 2 * limits.maxInitialDelayMs + 6 * limits.maxPhaseTimeoutMs;
}

/** longestDeploymentMs under the default limits (187 days): the wait between two steps of a patch. */
export const RETIREMENT_WAIT_DAYS = 187;

/** Step 1: asked with `isPatched()`. */
export const PATCHES = {
  'abort-during-steps': {
    added: '0.1.0 (7f551ba)',
    before: 'abort refused once the first step moved traffic (only rollback returned it)',
    decision: AFTER_PACKAGING,
  },
  'decision-authority': {
    added: '0.1.0 (287ef8e)',
    before: "decisions judged without the worker policy's who-may-send rules",
    decision: AFTER_PACKAGING,
  },
  'outcome-as-failure': {
    added: '0.1.0 (b651fc2)',
    before: 'every outcome completes the workflow with its status; no final memo',
    decision: AFTER_PACKAGING,
  },
  'release-train-hold': {
    added: '0.1.0 (ca613c8)',
    before: 'no release trains: a deployment never reports to or waits for a parent',
    decision: AFTER_PACKAGING,
  },
  'release-train-parallel-switch': {
    added: '0.1.0 (f694b90)',
    before: 'a train switches one service at a time in level order and rolls them back one at a time in reverse',
    decision: AFTER_PACKAGING,
  },
  'release-train-github-gate': {
    added: '0.1.0 (c9c9581)',
    before: "a train's service whose policy takes approvals verified by GitHub passes its own gate before it holds",
    decision: AFTER_PACKAGING,
  },
  'traffic-steps': {
    added: '0.1.0 (d4ceeaf)',
    before: 'all traffic in one switch: asked only by plans with switch.steps, which no earlier client made',
    decision: AFTER_PACKAGING,
  },
  'switch-schedule-in-workflow-task': {
    added: '0.1.0 (60598e7)',
    before: 'the switch windows read by an activity task (readSwitchSchedule): one more workflow task before every switch',
    decision: AFTER_PACKAGING,
  },
  'hot-standby': {
    added: '0.1.0 (220f4be)',
    before:
      'the old color is not probed during monitor, traffic steps and bake, and a rollback switches back without asking: asked only by plans with monitor.standby, which no earlier client made',
    decision: AFTER_PACKAGING,
  },
  'held-rollback-resumes': {
    added: '0.1.0 (1e5d035)',
    before:
      'a held rollback waits for a person or the ask timeout only: the old color is not probed while held, and its recovery does not resume the rollback',
    decision: AFTER_PACKAGING,
  },
  'release-train-notifies-once': {
    added: '0.1.0 (141ef99)',
    before:
      'a release train sends no notifications of its own; each service sends switched, rolled-back, succeeded and aborted itself (its plan has no notifications: train)',
    decision: AFTER_PACKAGING,
  },
  'train-notices-only-from-its-train': {
    added: '0.1.0 (5ba0c49)',
    before:
      "a plan started by hand naming a train left the train-level events (and with notifications: train-as-one also started and failed) to a train that never started it: its refusal's failed went to no channel",
    decision: AFTER_PACKAGING,
  },
  'release-train-speaks-as-one': {
    added: '0.1.0 (68bab14)',
    before:
      "a release train's services each send started and failed themselves, and the holder of a train's gate on GitHub its approval-waiting, approved and rejected (their plans have notifications: train)",
    decision: AFTER_PACKAGING,
  },
} as const satisfies Record<string, PatchInfo>;
export type Patch = keyof typeof PATCHES;

/** Step 2 (0.1.0): asked with `deprecatedPatch()`, where `isPatched()` was; the calls go in the release after 0.1.0 (step 3). */
export const DEPRECATED_PATCHES = {
  'plan-reads-in-one-activity': {
    added: '0.1.0 (9a6f3b0)',
    before: 'checkPlanPolicy, readActiveColor and readBranchHead one by one, and a marker of its own for each id before it',
    decision: NEVER_PACKAGED,
  },
  'verify-in-one-activity': {
    added: '0.1.0 (162aa6f)',
    before: 'verify with metrics: verifyChecks, then analyzeMetrics',
    decision: NEVER_PACKAGED,
  },
  'one-analysis-activity': {
    added: '0.1.0 (d9ffbd7)',
    before: 'monitor with metrics: monitorChecks beside analyzeMetrics',
    decision: NEVER_PACKAGED,
  },
  'verify-tests-retry': {
    added: '0.1.0 (64f4ed6)',
    before: 'a failed verify test ends the deployment at once',
    decision: NEVER_PACKAGED,
  },
  'signal-approval-deployment-status': {
    added: '0.1.0 (d08d399)',
    before: 'no GitHub Deployment status for a signal approval',
    decision: NEVER_PACKAGED,
  },
  'signal-approval-separation-of-duties': {
    added: '0.1.0 (d08d399)',
    before: 'signal approvals without minApprovals or self-approval rules',
    decision: NEVER_PACKAGED,
  },
  'cancel-run-of-interrupted-dispatch': {
    added: '0.1.0 (f1bf877)',
    before: 'a dispatch cut off by an abort left its run',
    decision: NEVER_PACKAGED,
  },
  'notify-channel-check': {
    added: '0.1.0 (da71128)',
    before: 'no check of the notification channels in plan',
    decision: NEVER_PACKAGED,
  },
  'notify-github-approval': {
    added: '0.1.0 (da71128)',
    before: 'no notifications while the gate waits on GitHub',
    decision: NEVER_PACKAGED,
  },
} as const satisfies Record<string, PatchInfo>;
export type DeprecatedPatch = keyof typeof DEPRECATED_PATCHES;

/**
 * Step 3: asked nowhere, listed so that the ids are never used again. These came before
 * plan-reads-in-one-activity; deployments that carry its marker took all of them without a marker
 * of their own, and no deployment without it can still replay, so they leave without a
 * `deprecatePatch` step of their own (which would cost every new deployment a marker each).
 */
export const RETIRED_PATCHES = {
  'analysis-checks': {
    added: '0.1.0 (c8efee1)',
    before: 'verifyEnvironment / monitorPublicEndpoint instead of verifyChecks / monitorChecks',
    decision: IMPLIED,
  },
  'approval-via-github': { added: '0.1.0 (c1b86c8)', before: 'the signal-only approval gate', decision: IMPLIED },
  'cancel-abandoned-runs': { added: '0.1.0 (bc5bead)', before: 'no cancel of a run left behind by an abort', decision: IMPLIED },
  'github-records-in-background': {
    added: '0.1.0 (df2f62d)',
    before: 'GitHub Deployment records awaited in line',
    decision: IMPLIED,
  },
  'monitor-metric-analysis': { added: '0.1.0 (462960f)', before: 'no metric analysis in monitor', decision: IMPLIED },
  notifications: { added: '0.1.0 (ef98be2)', before: 'no notifications', decision: IMPLIED },
  'plan-metric-query-check': {
    added: '0.1.0 (462960f)',
    before: 'no check of the Prometheus queries in plan',
    decision: IMPLIED,
  },
  'record-previous-sha': { added: '0.1.0 (4349919)', before: 'only the target branch head read', decision: IMPLIED },
  'records-settle-bounded': { added: '0.1.0 (bc5bead)', before: 'records settled without a bound', decision: IMPLIED },
  'step-retry-on-failure': { added: '0.1.0 (eafe90f)', before: 'a failed step ends the deployment at once', decision: IMPLIED },
  'switch-windows': { added: '0.1.0 (4349919)', before: 'no switch windows or freezes', decision: IMPLIED },
  'verify-metric-analysis': { added: '0.1.0 (462960f)', before: 'no metric analysis in verify', decision: IMPLIED },
  'webhook-run-completion': { added: '0.1.0 (43f51f6)', before: 'runs polled only', decision: IMPLIED },
  'worker-policy-check': { added: '0.1.0 (1131ead)', before: "no check against the worker's policy", decision: IMPLIED },
} as const satisfies Record<string, PatchInfo>;

/** `patched(id)`, for the step-1 ids. */
export const isPatched = (id: Patch): boolean => patched(id);

/** `deprecatePatch(id)`, for the step-2 ids, where `isPatched(id)` was asked and under the same conditions. */
export const deprecatedPatch = (id: DeprecatedPatch): void => deprecatePatch(id);
