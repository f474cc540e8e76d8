// Helpers of the DNS tests: skip with the reason when Knot DNS is missing, plans whose switch
// replaces the lab's, and a DNS world with its lab and a worker that holds the TSIG secret.
import { inject } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigText } from '../../client/config.js';
import { resolvePlan } from '../../client/plan.js';
import { startDnsWorld, type DnsWorld } from '../../lab/dns-world.js';
import { startLab, type Lab } from '../../lab/index.js';
import type { DeploymentPlan } from '../../contract/types.js';
import { startDeployment } from '../../client/start-deployment.js';
import { FAST_LAB, test, type Deployment } from './fixture.js';
import { deepMerge } from './lab-deployments.js';

/** Why the DNS tests cannot run ('' when they can). */
export const knotMissing = (): string => inject('knotMissing');

/** vitest's describe.skipIf with the reason printed once. */
export function dnsTestsSkipped(file: string): boolean {
  const missing = knotMissing();
  if (missing) console.warn(`${file}: skipped: ${missing}`);
  return missing !== '';
}

/**
 * A plan for the lab's example config with `overrides` deep-merged in, except `switch`, which
 * replaces the example's (a dns switch has none of the workflow switch's keys).
 */
export function dnsLabPlan(lab: Lab, service: string, overrides: Record<string, unknown>): DeploymentPlan {
  const { switch: sw, ...rest } = overrides;
  const example = deepMerge(deepMerge(lab.exampleConfig(service), { deploy: { pollInterval: '100ms', runTimeout: '2m' } }), rest);
  if (sw !== undefined) example['switch'] = sw;
  return resolvePlan(parseConfigText(stringify(example), `${service}.yaml`), { requestedBy: 'test' });
}

export interface DnsLabOptions {
  /** A second nameserver that lags until refreshed. @default false */
  secondary?: boolean;
  /** The lab's DNS Update workflow writes the record (as nsupdate would in a real one). @default false */
  updates?: boolean;
  /** The TSIG secret the worker holds. @default the world's (the right one) */
  secret?: string;
}

export interface DnsLabRun {
  world: DnsWorld;
  lab: Lab;
  /** Starts a deployment on `lab` (dnsLabPlan: `overrides` merged in, their `switch` replacing the lab's). */
  deploy(service: string, overrides?: Record<string, unknown>): Promise<Deployment>;
}

/**
 * The fixtures of ./fixture.ts, and `startDnsLab`: a DNS world (Knot DNS on loopback,
 * lab/dns-world.ts), a lab whose router follows its record, and a worker on the test's task
 * queue holding the TSIG secret, with quick DNS timeouts. All three stop when the test ends.
 */
export const dnsTest = test.extend<{ startDnsLab: (options?: DnsLabOptions) => Promise<DnsLabRun> }>({
  startDnsLab: async ({ own, startWorker, client, taskQueue }, use) => {
    await use(async (options = {}) => {
      const world = own(await startDnsWorld({ secondary: options.secondary ?? false }));
      const lab = own(await startLab({ ...FAST_LAB, dns: world.labDns(options.updates ?? false) }));
      await startWorker(lab, {
        env: { [world.secretEnv]: options.secret ?? world.secret },
        writeSpacingMs: 0,
        dns: { queryTimeoutMs: 500 },
      });
      const deploy = async (service: string, overrides: Record<string, unknown> = {}) => {
        const plan = dnsLabPlan(lab, service, overrides);
        return { plan, handle: await startDeployment(client, plan, { taskQueue }) };
      };
      return { world, lab, deploy };
    });
  },
});
