// `bluegreen validate` on a file with a dozen mistakes, as a person reads the answer: in file
// order, each with its line and column, an unknown key or value with the one probably meant,
// every sentence in our words (none of zod's own texts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli-runner.js';

const DOZEN_MISTAKES = `service: Datatruck API
github:
  owner: datatruck
  repo: backend
  baseurl: https://github.example.com/api/v3
publicUrl: not-a-url
colorPth: /deployment/color/
environments:
  green: { branch: green, url: https://green.api.example.com, deployWorkflow: deploy-green.yml }
  blue:  { branch: production, url: https://blue.api.example.com }
switch:
  type: dsn
  workflow: dns-update.yml
verify:
  healthPath: health
  successes: 0
  interval: 5 minutes
  timeout: 5m
approval:
  required: yes
  approvers: [alice, bob]
  via: githb
  timeout: 24h
monitor:
  duration: 15m
  interval: 30s
  failureThreshold: -2
sync:
  enabled: true
  redeploy: "true"
rollbak:
  automatic: true
`;

describe('validate on a config with a dozen mistakes', () => {
  it('says each one where it is, in file order, in our words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-validate-'));
    const file = join(dir, 'bluegreen.yaml');
    writeFileSync(file, DOZEN_MISTAKES);
    const result = await runCli(['validate', '-c', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const output = result.stderr.replaceAll(file, 'bluegreen.yaml');
    expect(output).toMatchInlineSnapshot(`
      "bluegreen: bluegreen.yaml is not a valid config (14 problems; nothing was started):
        1:10   service: service names are lowercase letters, digits, ".", "_" and "-" (at most 63), like "datatruck-api" (got the text "Datatruck API")
        5:3    github.baseurl: unknown key, did you mean "baseUrl"?
        6:12   publicUrl: expected an http(s) URL like "https://api.example.com"
        7:1    colorPth: unknown key, did you mean "colorPath"?
        10:3   environments.blue.deployWorkflow: is required (expected a workflow file name like "deploy-green.yml")
        12:9   switch.type: expected type "workflow" (with workflow, ref), type "http" (with url), type "dns" (with tsig, see docs/dns.md), type "alb" (with ruleArn or listenerArn, and targetGroups), type "route53" (with hostedZoneId and name) or type "haproxy" (with socket and backend), got the text "dsn", did you mean "dns"?
        15:15  verify.healthPath: the path must start with "/" (got the text "health")
        16:14  verify.successes: must be at least 1 (got 0)
        17:13  verify.interval: "5 minutes" is not a duration: use a number and a unit, like "30s", "15m" or "24h"
        20:13  approval.required: expected true or false, got the text "yes"
        22:8   approval.via: expected "signal" or "github" (got the text "githb"), did you mean "github"?
        27:21  monitor.failureThreshold: must be at least 1 (got -2)
        30:13  sync.redeploy: expected true or false, got the text "true"
        31:1   rollbak: unknown key, did you mean "rollback"?
      "
    `);
    expect(output).not.toMatch(/Too small|Too big|Invalid (input|option)|Unrecognized key|expected number to be/);

    const json = await runCli(['validate', '-c', file, '-o', 'json']);
    const report = JSON.parse(json.stdout) as { problems: Array<{ path: string; line: number; column: number }> };
    expect(report.problems.find((p) => p.path === 'colorPth')).toMatchObject({ line: 7, column: 1 });
  });
});
