// The metric analysis counts as they come in. The workflow learns them only when the
// phase's analysis activity ends: one event per phase, however many rounds, so history stays
// flat. Meanwhile the activity heartbeats its tally (analysis/metric-activities.ts), and the
// server keeps the last heartbeat of a pending activity; `bluegreen status` reads it from the
// workflow's description and puts it where the status says `running`. Heartbeats reach the
// server at most every 0.8 × the heartbeat timeout (Temporal's throttle): 16 s by default.
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { AnalysisProgress } from '../analysis/metric-activities.js';
import type { CheckSummary } from '../analysis/types.js';
import type { VerifyWindowProgress } from '../analysis/verify-window.js';
import type { AnalysisStatus, DeploymentStatus } from '../contract/types.js';
import type { DeploymentHandle } from './deployment-handle.js';

type Mode = 'verify' | 'monitor';

/**
 * Activities whose heartbeat carries the tally: monitorWindow (analysis/monitor-window.ts) and
 * verifyWindow (analysis/verify-window.ts) at its top level, once the metrics started.
 */
const TALLY_ACTIVITIES = new Set(['monitorWindow', 'verifyWindow']);

const runningModes = (s: DeploymentStatus): Mode[] =>
  (['verify', 'monitor'] as const).filter((mode) => s.analyses?.[mode]?.metrics?.verdict === 'running');

/** Whether the status has an analysis whose counts a heartbeat may hold. */
export const hasRunningAnalysis = (s: DeploymentStatus): boolean => runningModes(s).length > 0;

function isProgress(value: unknown): value is AnalysisProgress {
  const p = value as Partial<AnalysisProgress> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.rounds === 'number' &&
    Array.isArray(p.metrics) &&
    p.metrics.every((m) => typeof m?.name === 'string' && typeof m.total === 'number')
  );
}

/** The checks' counts in a verifyWindow heartbeat: passed (`healthy`) or still measured (`health`). */
function liveChecks(activity: string | undefined, progress: unknown): CheckSummary[] | undefined {
  if (activity !== 'verifyWindow' || typeof progress !== 'object' || progress === null) return undefined;
  const { healthy, health } = progress as VerifyWindowProgress;
  const checks = healthy?.checks ?? health?.checks;
  return Array.isArray(checks) && checks.every((c) => typeof c?.check === 'string' && typeof c.measurements === 'number')
    ? checks
    : undefined;
}

/**
 * The status with the running analyses' counts from their activities' last heartbeats. Never
 * fails: without a readable heartbeat the status is shown as the workflow has it.
 */
export async function withLiveAnalysis(
  handle: DeploymentHandle,
  status: DeploymentStatus,
  description?: WorkflowExecutionDescription,
): Promise<DeploymentStatus> {
  const modes = runningModes(status);
  if (modes.length === 0) return status;
  try {
    const described = description ?? (await handle.describe());
    const live: Partial<Record<Mode, AnalysisStatus>> = {};
    let checks: CheckSummary[] | undefined;
    for (const pending of described.raw.pendingActivities ?? []) {
      if (!TALLY_ACTIVITIES.has(pending.activityType?.name ?? '') || !pending.heartbeatDetails?.payloads?.length) continue;
      const progress: unknown = await decodeFromPayloadsAtIndex(
        handle.client.options.loadedDataConverter,
        0,
        pending.heartbeatDetails.payloads,
      );
      checks ??= liveChecks(pending.activityType?.name ?? undefined, progress);
      if (!isProgress(progress)) continue;
      // Heartbeats from before `mode` was sent: only one analysis runs at a time.
      const mode = progress.mode ?? (modes.length === 1 ? modes[0] : undefined);
      const shown = mode && (live[mode] ?? status.analyses?.[mode]?.metrics);
      if (!mode || !shown || shown.verdict !== 'running') continue;
      if (progress.metrics.length !== shown.metrics.length) continue;
      const seconds = Number(pending.lastHeartbeatTime?.seconds ?? 0);
      live[mode] = {
        ...shown,
        metrics: progress.metrics,
        rounds: progress.rounds,
        ...(seconds > 0 ? { liveAt: new Date(seconds * 1000).toISOString() } : {}),
      };
    }
    // verifyWindow's checks (the workflow learns them with its result, newer ones while it runs).
    const analyses = { ...status.analyses };
    if (checks) analyses.verify = { ...analyses.verify, checks };
    for (const mode of modes) if (live[mode]) analyses[mode] = { ...analyses[mode], metrics: live[mode] };
    return { ...status, analyses };
  } catch {
    return status;
  }
}
