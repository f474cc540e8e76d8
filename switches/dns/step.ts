// The DNS side of a switch: the `dns` switch type's step (an RFC 2136 update) and the
// DNS verification that follows every switch and rollback when `dns` is configured. Workflow
// code: deterministic, talks to the world only through activities.
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities, TimeoutFailure } from '@temporalio/workflow';
import type { SwitchActivities } from '../activity-types.js';
import { NON_RETRYABLE_ERRORS } from '../../contract/activity-options.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import { otherColor, type Color, type DeploymentPlan, type DnsPlan, type PhaseName } from '../../contract/types.js';
import type { SwitchStep, SwitchStepContext, SwitchStepResult } from '../switch-type.js';
import type { DnsSwitchPlan } from './types.js';

/** The update is idempotent: retried until `switch.updateTimeout`, then the switch fails. */
function dnsUpdater(sw: DnsSwitchPlan) {
  return proxyActivities<SwitchActivities>({
    scheduleToCloseTimeout: sw.updateTimeoutMs,
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: NON_RETRYABLE_ERRORS },
  });
}

function dnsVerifier(plan: DeploymentPlan, maxWaitMs: number) {
  return proxyActivities<SwitchActivities>({
    startToCloseTimeout: maxWaitMs + 60_000,
    heartbeatTimeout: plan.timeouts?.heartbeatMs ?? 20_000,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      maximumAttempts: 20,
      nonRetryableErrorTypes: NON_RETRYABLE_ERRORS,
    },
  });
}

/** Writes the record for `color`. Any failure is a DeploymentStop: the caller decides where traffic is. */
export const switchDnsRecord: SwitchStep<DnsSwitchPlan> = async ({ plan, tracker }, phase, sw, color) => {
  const dns = requireDns(plan);
  const where = sw.server ?? `the primary of ${dns.zone}`;
  tracker.update(phase, { detail: `DNS update: ${dns.record} → ${color} at ${where} (TSIG key ${sw.tsig.keyName})` });
  try {
    const result = await dnsUpdater(sw).switchViaDns.executeWithOptions({ summary: `DNS update ${dns.record} → ${color}` }, [
      { dns, color, ...(sw.server !== undefined ? { server: sw.server } : {}), tsig: sw.tsig },
    ]);
    tracker.update(phase, {
      detail: result.changed
        ? `${dns.record} updated at ${result.server} (was ${result.previous})`
        : `${dns.record} already named ${color} at ${result.server}: no update sent`,
    });
    return result.changed && result.previousTtl !== undefined ? { replacedTtlSeconds: result.previousTtl } : {};
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw new DeploymentStop(
      'FAILED',
      `DNS update of ${dns.record} to ${color} failed: ${lastFailureMessage(err, sw.updateTimeoutMs)}`,
    );
  }
};

/**
 * Waits until every authoritative nameserver answers `color`'s record and the public endpoint
 * reached at that record's address answers `color`. Returns a sentence for the phase detail:
 * the record's TTL and how long caches may still send users to the other color.
 */
export async function verifyDnsRecord(
  { plan, tracker }: SwitchStepContext,
  phase: PhaseName,
  color: Color,
  timeoutMs: number,
  switched: SwitchStepResult,
): Promise<string> {
  const dns = requireDns(plan);
  const count = dns.nameservers?.length ?? 0;
  const where = count === 1 ? `the nameserver` : count > 1 ? `${count} nameservers` : `every nameserver of ${dns.zone}`;
  tracker.update(phase, { detail: `waiting for ${where} to answer ${color}'s record for ${dns.record}` });
  const result = await dnsVerifier(plan, timeoutMs).verifyDns.executeWithOptions(
    { summary: `verify ${dns.record} → ${color} at the authoritative nameservers` },
    [
      {
        dns,
        color,
        publicUrl: plan.publicUrl,
        colorPath: plan.colorPath,
        timeoutMs,
        intervalMs: Math.min(plan.verify.intervalMs, 2_000),
      },
    ],
  );
  const nameservers = result.nameservers;
  const okCount = nameservers.filter((n) => n.ok).length;
  const status = {
    record: dns.record,
    expected: result.expected,
    nameservers,
    ...(result.ttl !== undefined ? { ttl: result.ttl } : {}),
    ...(result.confirmedAt !== undefined ? { confirmedAt: result.confirmedAt } : {}),
    ...(result.endpoint !== undefined ? { endpoint: result.endpoint } : {}),
  };
  if (!result.ok) {
    tracker.setDns(status);
    tracker.update(phase, { detail: `DNS not confirmed: ${result.lastProblem ?? 'unknown'}` });
    throw new DeploymentStop(
      'FAILED',
      `DNS for ${dns.record} not confirmed ${formatDuration(timeoutMs)} after switching to ${color}: ${result.lastProblem ?? `${okCount}/${nameservers.length} nameservers answer ${result.expected}`}`,
    );
  }
  // Resolvers that fetched the old answer just before the last nameserver changed keep it for
  // up to its TTL: that is how long some users may still reach the old color.
  const staleTtl = Math.max(result.staleTtl ?? 0, switched.replacedTtlSeconds ?? 0, result.ttl ?? 0);
  const confirmedAtMs = result.confirmedAt ? Date.parse(result.confirmedAt) : Date.now();
  const lagUntil = new Date(confirmedAtMs + staleTtl * 1000).toISOString();
  tracker.setDns({ ...status, cachesMayLagUntil: lagUntil });
  const ttl = result.ttl !== undefined ? ` (TTL ${result.ttl}s)` : '';
  return (
    `DNS: ${okCount}/${nameservers.length} nameservers answer ${result.expected}${ttl}; ` +
    `caches may send some users to ${otherColor(color)} until ${lagUntil.replace(/\.\d+Z$/, 'Z')} (${staleTtl}s)`
  );
}

function requireDns(plan: DeploymentPlan): DnsPlan {
  if (!plan.dns) throw ApplicationFailure.nonRetryable('the plan has no dns section', 'ConfigError');
  return plan.dns;
}

/** The last attempt's own message when retries ran out of time, not just "timed out". */
function lastFailureMessage(err: unknown, budgetMs: number): string {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof TimeoutFailure) {
      const last = cause.cause instanceof ApplicationFailure ? cause.cause.message : undefined;
      return `still failing after retrying for ${formatDuration(budgetMs)}${last ? `: ${last}` : ''}`;
    }
    // A retryable failure that still ended the activity: the retries ran out of time.
    if (cause instanceof ApplicationFailure)
      return cause.nonRetryable
        ? cause.message
        : `still failing after retrying for ${formatDuration(budgetMs)}: ${cause.message}`;
    if (cause) return cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}
