// Preflight of the metric analysis: every configured metric source (and traffic guard) asked
// once, now, through the reader its provider registers (the worker's guarded reader), with the
// live color in `{{color}}`. It checks that the source answers one number; the bounds are for
// the deployment. Secret headers the worker's policy adds are not sent from here, so a source
// that asks for them answers 401/403 here: said, not failed.
import { metricProviderOf, METRIC_SOURCE_TYPES } from '../../analysis/registry.js';
import type { MetricPlan, MetricSource } from '../../analysis/metric-plan.js';
import type { SourceAnswer } from '../../analysis/metric-measure.js';
import type { Color, DeploymentPlan } from '../../contract/types.js';
import { inertText } from '../../contract/sanitize.js';
import { fail, firstLine, pass, unknown, type CheckResult } from './check.js';

interface Asked {
  what: string;
  source: MetricSource;
  window: string;
}

/** Each distinct source of the plan's verify and monitor analysis, named by metric (and field). */
function sourcesOf(plan: DeploymentPlan): Asked[] {
  const metrics: MetricPlan[] = [...(plan.analysis?.verify?.metrics ?? []), ...(plan.analysis?.monitor?.metrics ?? [])];
  const seen = new Set<string>();
  const asked: Asked[] = [];
  for (const metric of metrics)
    for (const [field, source] of [
      ['', metric.source],
      [' traffic guard', metric.traffic?.source],
    ] as const) {
      if (!source) continue;
      const key = JSON.stringify(source);
      if (seen.has(key)) continue;
      seen.add(key);
      asked.push({ what: `metric ${metric.name}${field} (${source.type})`, source, window: metric.window });
    }
  return asked;
}

export async function metricSourceChecks(plan: DeploymentPlan, liveColor: Color | undefined): Promise<CheckResult[]> {
  return Promise.all(sourcesOf(plan).map((asked) => askSource(plan, asked, liveColor ?? 'blue')));
}

async function askSource(plan: DeploymentPlan, asked: Asked, color: Color): Promise<CheckResult> {
  const provider = metricProviderOf(asked.source.type);
  if (!provider?.source)
    return fail(
      asked.what,
      `no metric provider reads sources of type "${asked.source.type}"`,
      `use one of ${METRIC_SOURCE_TYPES.join(', ')}`,
    );
  const read = provider.source.read({ timeoutMs: 5_000, attempts: 1 });
  try {
    const { answer, resolved } = await read(
      asked.source,
      { color, service: plan.service, sha: 'HEAD', window: asked.window },
      Date.now(),
    );
    return verdictOf(asked.what, answer, inertText(resolved, 200));
  } catch (err) {
    return fail(asked.what, inertText(firstLine(err), 300), 'check the source URL and that this machine may reach it');
  }
}

function verdictOf(what: string, answer: SourceAnswer, resolved: string): CheckResult {
  switch (answer.kind) {
    case 'value':
      return pass(what, `answers ${Number(answer.value.toPrecision(4))} (${resolved})`);
    case 'empty':
      return unknown(
        what,
        `answered no data (${answer.what ?? 'no series matched'}): a quiet service, or a label that matches nothing`,
      );
    case 'multi':
      return fail(
        what,
        `answers ${answer.series.length} series, not one number`,
        'aggregate the query, e.g. with sum(…) or max(…)',
      );
    case 'unsupported':
      return fail(
        what,
        `answers ${answer.resultType}, not a number`,
        'make it answer one number (an instant vector or a scalar)',
      );
    case 'invalid':
      return fail(
        what,
        `refused the query (HTTP ${answer.status}): ${inertText(answer.error, 300)}`,
        'fix the query in the config',
      );
    case 'unavailable':
      if (/HTTP 40[13]\b/.test(answer.error))
        return unknown(
          what,
          `asks for credentials (${inertText(answer.error, 200)}): the worker sends its policy's headers; doctor cannot`,
        );
      return fail(
        what,
        `no answer: ${inertText(answer.error, 300)}`,
        'check the source URL in the config and that it is up (the worker must reach it too)',
      );
  }
}
