// The hot standby as people read it, from a status's `standby`: "standby blue: healthy (probed
// 3s ago)", "standby blue: unhealthy: health: HTTP 503 … (probed at 03:10:04 UTC); rollback
// held". Rendered by the CLI's status and live view (with the clock: "ago") and the Web UI's
// current details (without it: the details are written when the status changes, not when read).
// Pure: runs in the workflow sandbox.
import { formatDuration } from '../contract/format.js';
import { inertText } from '../contract/sanitize.js';
import type { DeploymentStatus } from '../contract/types.js';

/** The one line while a deployment runs with the old color under probe, else undefined. */
export function standbyLine(s: Pick<DeploymentStatus, 'standby' | 'outcome'>, nowMs?: number): string | undefined {
  const sb = s.standby;
  if (!sb || s.outcome) return undefined;
  if (sb.healthy === undefined || sb.probedAt === undefined) return `standby ${sb.color}: under probe, no report yet`;
  const at = Date.parse(sb.probedAt);
  const when =
    nowMs !== undefined && Number.isFinite(at)
      ? `probed ${formatDuration(Math.max(0, nowMs - at))} ago`
      : `probed at ${sb.probedAt.slice(11, 19)} UTC`;
  const health = sb.healthy ? 'healthy' : `unhealthy: ${inertText(sb.reason ?? 'failed probes', 200)}`;
  return `standby ${sb.color}: ${health} (${when})${sb.held ? '; rollback held' : ''}`;
}
