// The Temporal Web UI after the end, in a real browser (Debian's chromium, playwright-core), with
// no worker polling: the list tells a rolled-back deployment from a success without opening it,
// and a finished deployment's page says the outcome, its reason, where traffic is, both colors
// and what to do next from what the workflow left behind (summary, failure, memo). Screenshots go
// to docs/img/ (the ones docs/web-ui.md shows) when BLUEGREEN_UI_SHOTS is set, else test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { statusQuery, workflowIdFor } from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { cliEnv, ROOT, runCli, stopCliProcesses, writeConfig } from './support/cli-runner.js';
import { hasChromium, openBrowser, type OpenBrowser } from './support/chromium.js';
import { connectClient, pollStatus, startWorker, taskQueueFor } from './support/harness.js';

const SHOTS = process.env['BLUEGREEN_UI_SHOTS'] ? join(ROOT, 'docs', 'img') : join(ROOT, 'test-results');
const SERVICE = `ui-finished-${Date.now() % 100000}`;

let lab: Lab;
let client: Client;
let connection: Connection;
let browser: OpenBrowser | undefined;
let page: Page;
let ui: string;
let succeeded: DeploymentStatus;
let rolledBack: DeploymentStatus;

/** What a person sees: the page's main area and the frames the UI renders Markdown in. */
async function visibleText(): Promise<string> {
  const parts = [
    await page
      .locator('main')
      .innerText()
      .catch(() => ''),
  ];
  for (const frame of page.frames()) {
    if (frame !== page.mainFrame())
      parts.push(
        await frame
          .locator('body')
          .innerText()
          .catch(() => ''),
      );
  }
  return parts.join('\n');
}

async function textWith(text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await visibleText();
    if (seen.includes(text)) return seen;
    await page.waitForTimeout(250);
  }
  throw new Error(`the page never showed "${text}"; it shows:\n${seen}`);
}

describe.skipIf(!hasChromium)('Temporal Web UI after the end, no worker polling', () => {
  beforeAll(async () => {
    ui = inject('temporalUiUrl');
    mkdirSync(SHOTS, { recursive: true });
    lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 300 } });
    ({ client, connection } = await connectClient());
    const taskQueue = taskQueueFor('web-ui-finished');
    const worker = await startWorker(lab, taskQueue);
    const config = (monitor: string) =>
      writeConfig({
        ...lab.exampleConfig(SERVICE),
        deploy: { pollInterval: '100ms' },
        verify: { healthPath: '/health', successes: 2, interval: '100ms', timeout: '20s' },
        approval: { required: false },
        monitor: { duration: monitor, interval: '100ms', failureThreshold: 3 },
      });
    const deploy = (file: string) =>
      runCli(['deploy', '-c', file, '--task-queue', taskQueue, '--by', 'olivia', '--wait'], {
        env: cliEnv({ GITHUB_TOKEN: lab.token }),
      });
    try {
      // A success to green, then a deployment to blue that QA rolls back under traffic.
      expect((await deploy(config('1s'))).code).toBe(0);
      lab.github.pushCommit(lab.branches.blue, 'feature: new checkout');
      const second = deploy(config('1m'));
      const handle = client.workflow.getHandle(workflowIdFor(SERVICE));
      await pollStatus(
        () => handle.query(statusQuery).catch(() => undefined),
        (s: DeploymentStatus) => s.targetColor === 'blue' && s.phases.find((p) => p.name === 'monitor')?.state === 'running',
        60_000,
        SERVICE,
      );
      expect((await runCli(['rollback', SERVICE, '--by', 'carol', '--reason', 'checkout errors up'])).code).toBe(0);
      expect((await second).code).toBe(4);
    } finally {
      // From here nobody answers a query: the pages show only what the workflow left behind.
      await worker.stop();
    }
    const history = JSON.parse((await runCli(['history', SERVICE, '--json'])).stdout) as DeploymentStatus[];
    [rolledBack, succeeded] = history as [DeploymentStatus, DeploymentStatus];
    browser = await openBrowser({ viewport: { width: 1440, height: 900 }, timeoutMs: 30_000 });
    page = browser.page;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopCliProcesses();
    await connection?.close();
    await lab?.close();
  });

  it('the list: a rolled-back deployment is Failed, a success Completed, with the outcome as a column', async () => {
    // The columns an operator adds once with the list's gear icon (kept in the browser's storage).
    await page.goto(`${ui}/namespaces/default/workflows`);
    await page.evaluate(() => {
      const columns = [
        'Status',
        'Workflow ID',
        'BlueGreenService',
        'BlueGreenOutcome',
        'BlueGreenTargetColor',
        'BlueGreenPhase',
        'End',
      ];
      localStorage.setItem('namespace-workflow-table-columns', JSON.stringify({ default: columns.map((label) => ({ label })) }));
    });
    await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`BlueGreenService="${SERVICE}"`)}`);
    const text = await textWith('ROLLED_BACK');
    await page.screenshot({ path: join(SHOTS, 'web-ui-list-rolled-back.png') });

    expect(text).toContain('1 Completed');
    expect(text).toContain('1 Failed');
    const rolledBackRow = await page.locator('tr', { hasText: 'ROLLED_BACK' }).first().innerText();
    expect(rolledBackRow).toContain('Failed');
    expect(rolledBackRow).not.toContain('Completed');
    expect(rolledBackRow).toContain('blue');
    const succeededRow = await page.locator('tr', { hasText: 'SUCCEEDED' }).first().innerText();
    expect(succeededRow).toContain('Completed');
  });

  it("a finished deployment's page, no worker polling: the outcome, why, where traffic is, both colors, what next", async () => {
    expect(rolledBack.outcome).toBe('ROLLED_BACK');
    const sha7 = rolledBack.sha!.slice(0, 7);
    await page.goto(`${ui}/namespaces/default/workflows/${workflowIdFor(SERVICE)}`);
    // The header badge and the result panel: the failure says the outcome, the live color and why.
    const result = await textWith('DeploymentRolledBack');
    expect(result).toMatch(/^Failed$/m);
    expect(result).toContain('ROLLED_BACK (traffic on green): rollback requested by carol: checkout errors up');
    await page.screenshot({ path: join(SHOTS, 'web-ui-finished-rolled-back.png') });

    // The memo, stored with the execution: what happened, in words, and both colors.
    await page.getByText('Memo', { exact: true }).click();
    const memo = await textWith('"outcome": "ROLLED_BACK"');
    await page.screenshot({ path: join(SHOTS, 'web-ui-finished-memo.png') });
    expect(memo).toContain('"live": "green"');
    expect(memo).toContain('"reason": "rollback requested by carol: checkout errors up"');
    expect(memo).toContain(`"sha": "${rolledBack.sha}"`);
    expect(memo).toMatch(
      /"green": "green: takes traffic since \d{4}-\d\d-\d\d [\d:]{8} UTC; runs [0-9a-f]{7}; deployed before this deployment"/,
    );
    expect(memo).toContain(`"blue": "blue: no traffic; runs ${sha7}; last deployment: this deployment (ROLLED_BACK, ended`);
    expect(memo).toContain(`fix the cause, then deploy again: \`bluegreen deploy ${SERVICE}\``);
    // True: green serves the first deployment's SHA, as the public endpoint says.
    expect(memo).toContain(`runs ${succeeded.sha!.slice(0, 7)}`);
    expect(await fetch(`${lab.publicUrl}/deployment/color/`).then((r) => r.json())).toEqual({ color: 'green' });

    // The summary says what was attempted (never "green → blue" on a deployment that went back).
    await page.getByText('User Metadata', { exact: true }).click();
    const metadata = await textWith('Summary');
    expect(metadata).toContain(`${SERVICE}: deploy ${sha7} to blue, by olivia`);
  });

  it('the success before it completed, and its memo says so', async () => {
    const runs = await client.workflow.list({ query: `BlueGreenService="${SERVICE}" AND ExecutionStatus="Completed"` });
    let runId = '';
    for await (const run of runs) runId = run.runId;
    await page.goto(`${ui}/namespaces/default/workflows/${workflowIdFor(SERVICE)}/${runId}`);
    await page.getByText('Memo', { exact: true }).click();
    const memo = await textWith('"outcome": "SUCCEEDED"');
    expect(memo).toMatch(/^Completed$/m);
    expect(memo).toContain('"live": "green"');
    expect(memo).toContain('"reason": "all phases passed"');
  });
});
