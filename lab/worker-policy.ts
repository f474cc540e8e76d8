// The worker policy for the lab (tests, demo, bench): everything on loopback, at any port, is
// served and fetched (egress) — the lab's GitHub, its app router and its Knot servers listen on ports picked at
// start — with the variable names the lab's example configs use. Approval is left to the plan,
// as the tests' plans decide it; the people of the tests may promote (and so retry, roll back and
// abort), frank may retry, roll back and abort. A production policy names exact roots and routers
// (examples/bluegreen-worker.yaml).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkerPolicy, type WorkerPolicy } from '../worker/policy.js';

export const LAB_WORKER_POLICY_YAML = `
github:
  apiRoots: ["http://127.0.0.1:*", "http://localhost:*"]
  repositories: ["*/*"]
routers:
  - { url: "http://127.0.0.1:*/deployment/router", tokenEnv: BLUEGREEN_ROUTER_TOKEN }
dns:
  servers: ["127.0.0.1:*"]
  zones: [bluegreen.test]
  keys: [{ name: bluegreen-update, secretEnv: BLUEGREEN_TSIG_SECRET }]
egress:
  - { match: "*", urls: ["http://127.0.0.1:*", "http://localhost:*"] }
defaults:
  approval: { required: false, promoters: [alice, bob, carol, dave, erin, ci-operator, test], operators: [frank] }
# The lab runs in compressed time: probes, polls and reminders every few milliseconds.
limits: { minProbeIntervalMs: 10, minPollIntervalMs: 10, minMetricIntervalMs: 10, minReminderMs: 10 }
`;

export const LAB_WORKER_POLICY: WorkerPolicy = parseWorkerPolicy(LAB_WORKER_POLICY_YAML, 'lab/worker-policy.ts');

let written: string | undefined;
/** The lab policy as a file, for `bluegreen worker` processes (BLUEGREEN_WORKER_POLICY). */
export function labWorkerPolicyFile(): string {
  if (written) return written;
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-lab-policy-'));
  written = join(dir, 'bluegreen-worker.yaml');
  writeFileSync(written, LAB_WORKER_POLICY_YAML);
  return written;
}

/**
 * The environment a `bluegreen worker` process of the lab needs: the policy file, and
 * placeholders for the secrets it names (a test that switches through the lab's router or Knot
 * gives the real ones, which win).
 */
export function labWorkerPolicyEnv(): Record<string, string> {
  return {
    BLUEGREEN_WORKER_POLICY: labWorkerPolicyFile(),
    BLUEGREEN_ROUTER_TOKEN: 'lab-placeholder-router-token',
    BLUEGREEN_TSIG_SECRET: Buffer.from('lab-placeholder-tsig').toString('base64'),
  };
}
