// The one correlation-id format: `<deploymentId>.<step>`, sent as a dispatch's `deployment_id`
// input and carried by the run's name (run-name). The dispatch activity finds its run by it,
// the webhook receiver finds the deployment by it. Pure: loaded in the workflow sandbox too.
import { DISPATCH_STEP_PATTERN } from './vocabulary.js';

/**
 * Correlation id of one dispatch, e.g. `api-20261201-101500-7f3a.deploy`; a retried step's
 * later attempts carry their number (`….deploy.2`), so each attempt finds its own run.
 */
export const correlationIdFor = (deploymentId: string, step: string, attempt = 1): string =>
  attempt > 1 ? `${deploymentId}.${step}.${attempt}` : `${deploymentId}.${step}`;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * True when `title` carries `correlationId` as a whole token: `api-7f3a.deploy` must not match
 * `api-7f3a.deploy-2` or `xapi-7f3a.deploy`.
 */
export function titleCarriesCorrelationId(title: string | null | undefined, correlationId: string): boolean {
  if (!title || !correlationId) return false;
  return new RegExp(`(?<![A-Za-z0-9_.-])${escape(correlationId)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`).test(title);
}

/** A default deployment id (`newDeploymentId`: `<service>-<yyyymmdd-hhmmss>-<hex>`) and step, as a whole token. */
const DEFAULT_ID =
  /(?<![A-Za-z0-9._-])([a-z0-9][a-z0-9._-]{0,62})-(\d{8}-\d{6}-[0-9a-f]{4})\.([A-Za-z0-9-]+(?:\.\d+)?)(?![A-Za-z0-9_.-])/;
/** Any `<id>.<step>` token with a known step, for deployment ids of another shape. */
const ANY_ID = new RegExp(
  `(?<![A-Za-z0-9._-])([a-z0-9][A-Za-z0-9._-]*\\.(?:${DISPATCH_STEP_PATTERN})(?:\\.\\d+)?)(?![A-Za-z0-9_.-])`,
);

/** The correlation id a run's name carries, and the service when the id has the default shape. */
export function findCorrelationId(title: string): { correlationId: string; service?: string } | undefined {
  const byDefault = DEFAULT_ID.exec(title);
  if (byDefault) return { correlationId: `${byDefault[1]}-${byDefault[2]}.${byDefault[3]}`, service: byDefault[1]! };
  const any = ANY_ID.exec(title);
  return any ? { correlationId: any[1]! } : undefined;
}
