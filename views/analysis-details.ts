// What verify and monitor measured, in words, for the CLI's status and the Web UI's current
// details (one path: client/render-analysis.ts and current-details.ts both lay these out): per
// phase its checks ("✓ health 3/3 · ✗ color 1/3") and its metric analysis, per metric
// its verdict, the one-line evidence ("error-rate 0.4 % ≤ 1 % (7/10 passed)"), the resolved
// query, its evaluation time, the bounds and the graph link; and the verify.tests runs.
// Pure: runs in the workflow sandbox and in the CLI. Texts are inert already (measured that way).
import { describeChecks } from './analysis-summary.js';
import { metricLine, type MetricSummary } from '../contract/metric-tally.js';
import { inertText } from '../contract/sanitize.js';
import type { AnalysisPhase, AnalysisStatus, DeploymentStatus, TestRunStatus } from '../contract/types.js';

const MARK: Record<MetricSummary['verdict'], string> = { pass: '✓', fail: '✗', inconclusive: '?', running: '▶' };
const TEST_MARK: Record<TestRunStatus['state'], string> = { running: '▶', succeeded: '✓', failed: '✗' };

export interface AnalysisSection {
  title: string;
  verdict?: string;
  /** Measurements still coming in. */
  running?: boolean;
  metrics: Array<{ mark: string; line: string; query?: string; at?: string; bounds?: string; link?: string }>;
}

function section(title: string, a: AnalysisStatus): AnalysisSection {
  const verdict =
    a.verdict === 'running'
      ? `running${a.liveAt ? `, ${a.rounds} round${a.rounds === 1 ? '' : 's'} in (live, as of ${a.liveAt.slice(11, 19)} UTC)` : ''}`
      : a.decidedBy
        ? `${a.verdict}, decided: ${a.decidedBy}`
        : a.verdict;
  return {
    title,
    ...(a.verdict === 'running' ? { running: true } : {}),
    verdict: inertText(verdict, 300),
    metrics: a.metrics.map((m) => {
      const shown = m.verdict === 'fail' || m.verdict === 'inconclusive' ? (m.decisive ?? m.last) : m.last;
      return {
        mark: MARK[m.verdict],
        line: inertText(metricLine(m), 600),
        ...(shown?.query ? { query: inertText(shown.query, 600) } : {}),
        ...(shown?.at ? { at: shown.at } : {}),
        ...(shown?.boundsText ? { bounds: shown.boundsText } : {}),
        ...(shown?.link ? { link: inertText(shown.link, 2_000) } : {}),
      };
    }),
  };
}

/** One phase's measurements in words: its checks, its metric analysis, either absent when not measured. */
export interface PhaseAnalysisView {
  phase: AnalysisPhase;
  /** The checks' counts and last failing reading in words. */
  checks?: string;
  metrics?: AnalysisSection;
}

const METRICS_TITLE: Record<AnalysisPhase, string> = {
  verify: 'Metric analysis before approval',
  monitor: 'Metric analysis under traffic',
};

/** What the phases measured, verify first; a phase that measured nothing is left out. */
export function analysisViews(s: DeploymentStatus): PhaseAnalysisView[] {
  return (['verify', 'monitor'] as const).flatMap((phase) => {
    const { checks, metrics } = s.analyses?.[phase] ?? {};
    const view: PhaseAnalysisView = {
      phase,
      ...(checks && checks.length > 0 ? { checks: describeChecks(checks) } : {}),
      ...(metrics ? { metrics: section(`${METRICS_TITLE[phase]} (${s.targetColor ?? 'target'})`, metrics) } : {}),
    };
    return view.checks || view.metrics ? [view] : [];
  });
}

export function testLines(s: DeploymentStatus): string[] {
  return (s.tests ?? []).map(
    (t) =>
      `${TEST_MARK[t.state]} ${t.name} (${t.workflow}) ${t.state}${t.detail ? `: ${inertText(t.detail, 400)}` : t.url ? `: ${t.url}` : ''}`,
  );
}
