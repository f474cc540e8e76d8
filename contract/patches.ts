// Every patch id of the workflow, in one place, each with the version that added it and its
// state. A patch id marks a change in the commands the workflow issues: deployments started
// before it replay their old path (`patched(id)` is false for them), new ones take the new path.
//
// A patch's life: `patched(id)` → `deprecatePatch(id)` with the old branch, its legacy activities
// and the histories that took it deleted → the id dropped a release later. The second step is
// safe once no deployment that a worker without the patch started can still be running. How
// long can one run? The config's maxima (client/*schema*.ts, config/resilience-schema.ts): the
// approval gate ≤ 30d, the monitor window ≤ 30d, the bake ≤ 30d, deploy/verify/sync runs ≤ 6h
// each, so about 92 days; a step waiting on `onFailure: ask` (≤ 7d per retry) or a switch
// window held by a freeze can stretch that, and they are not bounded by one number. So the
// condition for every id below is: the release that added it has run on every worker for 92
// days AND `bluegreen list --running` (the BlueGreenPhase search attribute) shows no deployment
// started before that release. No release of bluegreen has met it yet: every id here came in
// during 0.1.0 (2026-11-23 … 2026-12-06), so none is deprecated.
//
// The cost side: each patch id a deployment asks for costs it two history events (the marker
// and the SDK's TemporalChangeVersion upsert). Deployments started from PLAN_READS_PATCH on
// record that one marker, which stands for every id in EARLIER_PATCHES; older histories hold the
// separate markers (or none) and replay unchanged, since for them `hasPatch(id)` is `patched(id)`.
// A patch added later is asked with `patched()` directly (or added to a newer set like this one):
// it must never be implied by a marker that deployments which lack it already carry.
import { patched } from '@temporalio/workflow';

export interface PatchInfo {
  /** The bluegreen version and commit that added it. */
  added: string;
  /** What deployments started before it do instead (kept until it retires). */
  before: string;
}

/** The plan phase's reads (policy, active color, branch heads) in one activity (`readPlan`). */
export const PLAN_READS_PATCH = 'plan-reads-in-one-activity';

/** Every patch id that existed before PLAN_READS_PATCH: deployments that carry it took all of them. */
export const EARLIER_PATCHES = {
  'analysis-checks': {
    added: '0.1.0 (c8efee1)',
    before: 'verifyEnvironment / monitorPublicEndpoint instead of verifyChecks / monitorChecks',
  },
  'approval-via-github': { added: '0.1.0 (c1b86c8)', before: 'the signal-only approval gate' },
  'cancel-abandoned-runs': { added: '0.1.0 (bc5bead)', before: 'no cancel of a run left behind by an abort' },
  'github-records-in-background': { added: '0.1.0 (df2f62d)', before: 'GitHub Deployment records awaited in line' },
  'monitor-metric-analysis': { added: '0.1.0 (462960f)', before: 'no metric analysis in monitor' },
  notifications: { added: '0.1.0 (ef98be2)', before: 'no notifications' },
  'plan-metric-query-check': { added: '0.1.0 (462960f)', before: 'no check of the Prometheus queries in plan' },
  'record-previous-sha': { added: '0.1.0 (4349919)', before: 'only the target branch head read' },
  'records-settle-bounded': { added: '0.1.0 (bc5bead)', before: 'records settled without a bound' },
  'step-retry-on-failure': { added: '0.1.0 (eafe90f)', before: 'a failed step ends the deployment at once' },
  'switch-windows': { added: '0.1.0 (4349919)', before: 'no switch windows or freezes' },
  'verify-metric-analysis': { added: '0.1.0 (462960f)', before: 'no metric analysis in verify' },
  'webhook-run-completion': { added: '0.1.0 (43f51f6)', before: 'runs polled only' },
  'worker-policy-check': { added: '0.1.0 (1131ead)', before: "no check against the worker's policy" },
} as const satisfies Record<string, PatchInfo>;
export type EarlierPatch = keyof typeof EARLIER_PATCHES;

/** The patch ids asked with `patched()` directly (after PLAN_READS_PATCH). */
export const PATCHES = {
  [PLAN_READS_PATCH]: { added: '0.1.0 (9a6f3b0)', before: 'checkPlanPolicy, readActiveColor and readBranchHead one by one' },
  'verify-in-one-activity': { added: '0.1.0 (162aa6f)', before: 'verify with metrics: verifyChecks, then analyzeMetrics' },
  'one-analysis-activity': { added: '0.1.0 (d9ffbd7)', before: 'monitor with metrics: monitorChecks beside analyzeMetrics' },
  'verify-tests-retry': { added: '0.1.0 (64f4ed6)', before: 'a failed verify test ends the deployment at once' },
  'signal-approval-deployment-status': { added: '0.1.0 (d08d399)', before: 'no GitHub Deployment status for a signal approval' },
  'signal-approval-separation-of-duties': {
    added: '0.1.0 (d08d399)',
    before: 'signal approvals without minApprovals or self-approval rules',
  },
  'cancel-run-of-interrupted-dispatch': { added: '0.1.0 (f1bf877)', before: 'a dispatch cut off by an abort left its run' },
  'notify-channel-check': { added: '0.1.0 (da71128)', before: 'no check of the notification channels in plan' },
  'notify-github-approval': { added: '0.1.0 (da71128)', before: 'no notifications while the gate waits on GitHub' },
  'decision-authority': {
    added: '0.1.0 (287ef8e)',
    before: "decisions judged without the worker policy's who-may-send rules",
  },
  'outcome-as-failure': {
    added: '0.1.0 (b651fc2)',
    before: 'every outcome completes the workflow with its status; no final memo',
  },
} as const satisfies Record<string, PatchInfo>;
export type Patch = keyof typeof PATCHES;

/** `patched(id)`, for the ids of this module only (an earlier id asked alone: deployments before PLAN_READS_PATCH). */
export const isPatched = (id: Patch | EarlierPatch): boolean => patched(id);

/**
 * `patched(id)` for the ids of EARLIER_PATCHES, without a marker of their own in deployments
 * that carry PLAN_READS_PATCH. Live code gets true either way; a replay gets what was recorded.
 */
export function hasPatch(id: EarlierPatch): boolean {
  return patched(PLAN_READS_PATCH) || patched(id);
}
