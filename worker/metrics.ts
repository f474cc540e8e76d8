// The worker's Prometheus endpoint: the SDK's worker metrics and bluegreen's own
// (workflows/metrics.ts) at http://<address>/metrics. The Runtime is process-wide and must be
// installed before the first connection, so this runs once, first thing in the worker process.
import { Runtime } from '@temporalio/worker';

/** `host:port` or `[v6]:port`, the form the SDK binds. */
const BIND_ADDRESS = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** The address from `--metrics-address`, else BLUEGREEN_METRICS_ADDRESS; undefined leaves metrics off. */
export function metricsAddress(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const raw = (flag ?? env['BLUEGREEN_METRICS_ADDRESS'])?.trim();
  if (!raw) return undefined;
  const port = BIND_ADDRESS.exec(raw)?.[1];
  if (port === undefined || Number(port) < 1 || Number(port) > 65_535) {
    throw new Error(`metrics address must be host:port (for example 0.0.0.0:9464), not "${raw}"`);
  }
  return raw;
}

const PHASE_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400];

/** Serves Prometheus metrics on `bindAddress`; counters keep their names, durations are in seconds. */
export function installMetrics(bindAddress: string): void {
  Runtime.install({
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress,
          useSecondsForDurations: true,
          // A phase takes seconds to an hour (a monitor window, an approval): not the SDK's sub-second buckets.
          histogramBucketOverrides: { bluegreen_phase_duration_seconds: PHASE_BUCKETS },
        },
      },
    },
  });
}
