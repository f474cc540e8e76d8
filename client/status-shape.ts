// The status in the shape this CLI knows, whatever worker wrote it. Workers before session 12
// kept a phase's checks in `analysis` and its metric analysis in `metricAnalysis`; both are
// `analyses` now, one entry per phase. A deployment still run by an older worker answers the
// status query in the old shape, and one that finished before keeps it in its result: both are
// converted here, as client/deployment-handle.ts reads them.
import type { CheckSummary } from '../analysis/types.js';
import type { AnalysisPhase, AnalysisStatus, DeploymentStatus, PhaseAnalysis } from '../contract/types.js';

/** A status as an older worker answers it. */
export interface OlderStatus extends DeploymentStatus {
  analysis?: Partial<Record<AnalysisPhase, CheckSummary[]>>;
  metricAnalysis?: Partial<Record<AnalysisPhase, AnalysisStatus>>;
}

export function currentShape(status: OlderStatus): DeploymentStatus {
  const { analysis, metricAnalysis, ...rest } = status;
  if (!analysis && !metricAnalysis) return status;
  const analyses: Partial<Record<AnalysisPhase, PhaseAnalysis>> = { ...rest.analyses };
  for (const phase of ['verify', 'monitor'] as const) {
    const checks = analysis?.[phase];
    const metrics = metricAnalysis?.[phase];
    if (checks || metrics)
      analyses[phase] = { ...(checks ? { checks } : {}), ...(metrics ? { metrics } : {}), ...analyses[phase] };
  }
  return { ...rest, analyses };
}
