// Patch ids of running-deployment compatibility, and one marker for all of them in new
// deployments. Each patch id a deployment asks for costs it two history events (the marker and
// the SDK's TemporalChangeVersion upsert); six of them made a third of the plan-to-sync growth
// of BENCHMARKS.md section 5. Deployments started from PLAN_READS_PATCH on record that one
// marker, which stands for every id in EARLIER_PATCHES; older histories hold the separate
// markers (or none) and replay as before, since for them `hasPatch(id)` is `patched(id)`.
// A patch added later is asked with `patched()` directly (or added to a newer set like this one):
// it must never be implied by a marker that deployments which lack it already carry.
import { patched } from '@temporalio/workflow';

/** The plan phase's reads (policy, active color, branch heads) in one activity (`readPlan`). */
export const PLAN_READS_PATCH = 'plan-reads-in-one-activity';

/**
 * A deployment that did not succeed ends as a failed workflow carrying its status, and every
 * deployment upserts its final memo. Asked with `patched()` at the end (contract/outcome-failure.ts).
 * Retire (deprecatePatch) once no deployment started before it can still be running: none is
 * older than the longest monitor plus bake window allowed by the worker's limits.
 */
export const OUTCOME_AS_FAILURE_PATCH = 'outcome-as-failure';

/**
 * Decisions are checked against who may send them under the worker's policy, in every branch
 * (workflows/decision-authority.ts); deployments started before replay with the rules they had.
 */
export const DECISION_AUTHORITY_PATCH = 'decision-authority';

/** Every patch id that existed before PLAN_READS_PATCH: deployments that carry it took all of them. */
const EARLIER_PATCHES = [
  'analysis-checks',
  'approval-via-github',
  'cancel-abandoned-runs',
  'github-records-in-background',
  'monitor-metric-analysis',
  'notifications',
  'plan-metric-query-check',
  'record-previous-sha',
  'records-settle-bounded',
  'step-retry-on-failure',
  'switch-windows',
  'verify-metric-analysis',
  'webhook-run-completion',
  'worker-policy-check',
] as const;
export type EarlierPatch = (typeof EARLIER_PATCHES)[number];

/**
 * `patched(id)` for the ids of EARLIER_PATCHES, without a marker of their own in deployments
 * that carry PLAN_READS_PATCH. Live code gets true either way; a replay gets what was recorded.
 */
export function hasPatch(id: EarlierPatch): boolean {
  return patched(PLAN_READS_PATCH) || patched(id);
}
