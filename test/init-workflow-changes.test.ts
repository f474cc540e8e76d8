// The changes init shows are the exact ones: applied to the workflow as shown (each YAML block into
// the mapping it names), the file passes the reading doctor checks, with a concurrency group that
// never cancels; and workflows are picked by file and by name.
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEPLOY_INPUT_NAMES, SWITCH_INPUT_NAMES } from '../contract/dispatch-inputs.js';
import { deployFit, pick, switchFit, type RepoWorkflow } from '../client/init/discover.js';
import type { WorkflowRole } from '../client/init/templates.js';
import { workflowChanges } from '../client/init/workflow-changes.js';
import { readWorkflowFile, workflowFileProblems } from '../client/preflight/workflow-file.js';

/** The workflow with every change that carries YAML applied where it says. */
function applied(text: string, role: WorkflowRole, sends: readonly string[]): string {
  const doc = parse(text) as Record<string, unknown>;
  for (const change of workflowChanges(text, role, sends, 'wf.yml').changes) {
    expect(change.yaml, change.what).toBeDefined();
    let target = doc;
    for (const key of change.at!) target = (target[key] ??= {}) as Record<string, unknown>;
    Object.assign(target, parse(change.yaml!) as object);
  }
  return stringify(doc);
}

const jobs = 'jobs: { run: { runs-on: ubuntu-latest, steps: [{ run: "true" }] } }\n';
const deployGreen: WorkflowRole = { kind: 'deploy', color: 'green' };

describe('the changes init shows', () => {
  it.each([
    ['no trigger (on: push)', `name: Deployment to Green\non: push\n${jobs}`],
    ['triggers as a list', `name: D\non: [push, pull_request]\n${jobs}`],
    ['triggers as a mapping', `name: D\non:\n  push: { branches: [green] }\n${jobs}`],
    ['dispatch without inputs', `name: D\non:\n  workflow_dispatch:\n${jobs}`],
    [
      'one input missing, a run-name without the id',
      `name: D\nrun-name: Deploy \${{ inputs.sha }}\non:\n  workflow_dispatch:\n    inputs: { sha: { required: true }, color: {} }\n${jobs}`,
    ],
    [
      'a cancelling concurrency group',
      `name: D\non:\n  workflow_dispatch:\n    inputs: { deployment_id: {}, color: {}, sha: {} }\nrun-name: "[\${{ inputs.deployment_id }}]"\nconcurrency: { group: d, cancel-in-progress: true }\n${jobs}`,
    ],
  ])('%s: applied, doctor finds nothing', (_, text) => {
    expect(
      workflowFileProblems(text, DEPLOY_INPUT_NAMES).length +
        workflowChanges(text, deployGreen, DEPLOY_INPUT_NAMES, 'wf.yml').changes.length,
    ).toBeGreaterThan(0);
    const fixed = applied(text, deployGreen, DEPLOY_INPUT_NAMES);
    expect(workflowFileProblems(fixed, DEPLOY_INPUT_NAMES)).toEqual([]);
    const reading = readWorkflowFile(fixed);
    expect(reading.ok && (reading.reading.concurrency as Record<string, unknown>)['cancel-in-progress']).toBe(false);
    expect(workflowChanges(fixed, deployGreen, DEPLOY_INPUT_NAMES, 'wf.yml').changes).toEqual([]);
  });

  it('the switch gets its two inputs and one group for every color', () => {
    const text = `name: DNS Update\non: push\n${jobs}`;
    const fixed = applied(text, { kind: 'switch' }, SWITCH_INPUT_NAMES);
    expect(workflowFileProblems(fixed, SWITCH_INPUT_NAMES)).toEqual([]);
    expect(parse(fixed)).toMatchObject({ concurrency: { group: 'bluegreen-dns-update' }, on: { push: null } });
    expect(Object.keys((parse(fixed) as { on: { workflow_dispatch: { inputs: object } } }).on.workflow_dispatch.inputs)).toEqual([
      'deployment_id',
      'color',
    ]);
  });

  it('an input bluegreen does not send, required without a default, is named; broken YAML is said first', () => {
    const text = `name: D\nrun-name: "[\${{ inputs.deployment_id }}]"\non:\n  workflow_dispatch:\n    inputs: { deployment_id: {}, color: {}, sha: {}, region: { required: true } }\nconcurrency: d\n${jobs}`;
    expect(workflowChanges(text, deployGreen, DEPLOY_INPUT_NAMES, 'wf.yml').changes.map((c) => c.what)).toEqual([
      'give input `region` a default or `required: false`: bluegreen sends only deployment_id, color, sha, and GitHub refuses a dispatch without a required input',
    ]);
    expect(workflowChanges('on: [push\n', deployGreen, DEPLOY_INPUT_NAMES, 'wf.yml').changes[0]!.what).toMatch(
      /^fix the file first: it is not valid YAML/,
    );
  });
});

describe('finding the workflows by file and by name', () => {
  const wf = (file: string, name?: string): RepoWorkflow => ({ file, branch: 'b', text: '', ...(name ? { name } : {}) });
  const files = [
    wf('ci.yml', 'CI'),
    wf('qa-gate.yml', 'QA gate'),
    wf('release.yml', 'Deployment to Green'),
    wf('deploy-blue.yaml', 'Deploy'),
    wf('dns.yml', 'Point the hostname'),
    wf('traffic.yml', 'Move traffic'),
  ];

  it('a color by its file first, then by a name that says deploy and the color; never the other color', () => {
    expect(pick(files, (w) => deployFit(w, 'green'))).toEqual({ found: files[2], others: [] });
    expect(pick(files, (w) => deployFit(w, 'blue')).found?.file).toBe('deploy-blue.yaml');
    expect(pick([wf('deploy.yml', 'Deploy'), wf('deploy-green.yml')], (w) => deployFit(w, 'green'))).toEqual({
      found: wf('deploy-green.yml'),
      others: ['deploy.yml'],
    });
    // One deploy for both colors: each color finds it.
    expect(deployFit(wf('deploy.yml', 'Deploy to production'), 'blue')).toBe(1);
    expect(deployFit(wf('deploy.yml', 'Deploy to production'), 'green')).toBe(1);
  });

  it('the switch: dns-update or dns by file, DNS by name, then switch/traffic', () => {
    expect(pick(files, switchFit)).toEqual({ found: files[4], others: ['traffic.yml'] });
    expect(pick([wf('a.yml', 'DNS Update'), wf('b.yml', 'CI')], switchFit).found?.file).toBe('a.yml');
    expect(pick([wf('ci.yml', 'CI')], switchFit)).toEqual({ others: [] });
  });
});
