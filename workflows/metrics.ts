// bluegreen's own metrics, through the SDK's workflow metric meter: the worker's Prometheus
// endpoint serves them next to the SDK's (docs/production.md). The SDK drops these calls while a
// workflow replays, so each deployment counts once and no command changes (no patch needed).
import { metricMeter } from '@temporalio/workflow';
import type { Outcome, PhaseName } from '../contract/types.js';
import { phaseFamily, type DecisionKind } from '../contract/vocabulary.js';

const deployments = metricMeter.createCounter('bluegreen_deployments_total', undefined, 'Deployments ended, by outcome');
const rollbacks = metricMeter.createCounter('bluegreen_rollbacks_total', undefined, 'Rollbacks started');
const refused = metricMeter.createCounter(
  'bluegreen_decisions_refused_total',
  undefined,
  'Human decisions (signals or updates) refused',
);
const phaseSeconds = metricMeter.createHistogram(
  'bluegreen_phase_duration_seconds',
  'float',
  's',
  'Time from a phase start to its end',
);

export function countDeployment(service: string, outcome: Outcome): void {
  deployments.add(1, { service, outcome });
}

export function countRollback(service: string): void {
  rollbacks.add(1, { service });
}

export function countRefusedDecision(decision: DecisionKind): void {
  refused.add(1, { decision });
}

/**
 * Workflow time between two ISO instants, tagged with the phase family (hook names are the
 * plan's, so one series per hook kind); a phase finished without a start records nothing.
 */
export function recordPhaseDuration(phase: PhaseName, startedAt: string | undefined, endedAt: string): void {
  if (startedAt === undefined) return;
  const seconds = (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) phaseSeconds.record(seconds, { phase: phaseFamily(phase) });
}
