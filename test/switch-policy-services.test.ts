// The native switches' policy entries scoped to services: an ARN, hosted zone or socket listed
// with `services` may be named only by the plans of those services (patterns as elsewhere in the
// policy); listed without, by any. Checked on the example configs of docs/switches.md, pure.
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import type { DeploymentPlan } from '../contract/types.js';
import { pluginProblems } from '../worker/plan-check.js';
import { parseWorkerPolicy } from '../worker/policy.js';

const ROOT = new URL('..', import.meta.url).pathname;
const planOf = async (example: string, service: string): Promise<DeploymentPlan> => ({
  ...resolvePlan(await loadConfigFile(`${ROOT}examples/${example}`), { requestedBy: 'carol' }),
  service,
});

const RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/73e2d6bc24d8a067';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2453ed029918f21f';

const policy = parseWorkerPolicy(
  `
alb:
  region: eu-west-1
  rules: [{ arn: "${RULE}", services: [web, web-*] }]
  targetGroups: ["${BLUE}", { arn: "${GREEN}", services: [web] }]
route53:
  zones: [{ id: Z0123456789ABCDEFGHIJ, names: [app.example.com], services: [web] }]
haproxy:
  sockets: [{ path: /run/haproxy/admin.sock, backends: [app], services: ["web*"] }]
`,
  'bluegreen-worker.yaml',
);

describe('native switch targets listed for some services only', () => {
  it('the services listed (by name or pattern) may name them', async () => {
    expect(pluginProblems(await planOf('bluegreen-alb.yaml', 'web'), policy)).toEqual([]);
    expect(pluginProblems(await planOf('bluegreen-route53.yaml', 'web'), policy)).toEqual([]);
    expect(pluginProblems(await planOf('bluegreen-haproxy.yaml', 'web-admin'), policy)).toEqual([]);
  });

  it("another service's plan is refused in plan, naming the field, the entry's services and the service", async () => {
    expect(pluginProblems(await planOf('bluegreen-alb.yaml', 'web-admin'), policy)).toEqual([
      `switch.targetGroups.green: the worker's policy lists target group ${GREEN} for web only (alb.targetGroups[].services), not for web-admin`,
    ]);
    expect(pluginProblems(await planOf('bluegreen-alb.yaml', 'billing'), policy)).toEqual([
      `switch.ruleArn: the worker's policy lists ALB rule ${RULE} for web, web-* only (alb.rules[].services), not for billing`,
      `switch.targetGroups.green: the worker's policy lists target group ${GREEN} for web only (alb.targetGroups[].services), not for billing`,
    ]);
    expect(pluginProblems(await planOf('bluegreen-route53.yaml', 'billing'), policy)).toEqual([
      "switch.hostedZoneId: the worker's policy lists hosted zone Z0123456789ABCDEFGHIJ for web only (route53.zones[].services), not for billing",
    ]);
    expect(pluginProblems(await planOf('bluegreen-haproxy.yaml', 'billing'), policy)).toEqual([
      "switch.socket: the worker's policy lists HAProxy socket /run/haproxy/admin.sock for web* only (haproxy.sockets[].services), not for billing",
    ]);
  });

  it('a bad entry gets its path and an example; an ARN listed twice is named once', () => {
    expect(() => parseWorkerPolicy(`alb:\n  rules: [{ arn: "${RULE}", services: [Web!] }]\n`, 'p.yaml')).toThrow(
      /alb\.rules\.0\.services\.0.*expected a service name or pattern/s,
    );
    expect(() => parseWorkerPolicy(`alb:\n  rules: ["${RULE}", { arn: "${RULE}", services: [web] }]\n`, 'p.yaml')).toThrow(
      /alb\.rules\.1.*is listed twice/s,
    );
  });
});
