// The Temporal Web UI as an operator and QA see it, in a real browser (Debian's chromium,
// driven by playwright-core): the list filtered by BlueGreenService with the phase and outcome
// as columns, and one deployment's page with its summary and current details in words.
// Screenshots go to test-results/ (git-ignored) for a person to look at. Skipped without chromium.
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
import { connectClient, startWorker, taskQueueFor } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const SHOTS = join(ROOT, 'test-results');
const SERVICE = 'ui-checkout';

let lab: Lab;
let client: Client;
let connection: Connection;
let stopWorker: (() => Promise<void>) | undefined;
let browser: OpenBrowser | undefined;
let page: Page;
let ui: string;

async function waitForStatus(predicate: (s: DeploymentStatus) => boolean, timeoutMs = 30_000): Promise<DeploymentStatus> {
  const handle = client.workflow.getHandle(workflowIdFor(SERVICE));
  const deadline = Date.now() + timeoutMs;
  let last: DeploymentStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(statusQuery).catch(() => undefined);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${SERVICE} did not reach the expected state; last: ${JSON.stringify(last)}`);
}

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

/** The visible text once it contains `text` (the UI loads its data after the page). */
async function mainTextWith(text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await visibleText();
    if (seen.includes(text)) return seen;
    await page.waitForTimeout(250);
  }
  throw new Error(`the page never showed "${text}"; it shows:\n${seen}`);
}

describe.skipIf(!hasChromium)('Temporal Web UI', () => {
  beforeAll(async () => {
    ui = inject('temporalUiUrl');
    mkdirSync(SHOTS, { recursive: true });
    lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 300 } });
    ({ client, connection } = await connectClient());
    const taskQueue = taskQueueFor('web-ui');
    ({ stop: stopWorker } = await startWorker(lab, taskQueue));

    // Started by the CLI, as an operator would: `deploy` fills in the summary's colors and commit.
    const file = writeConfig({
      ...lab.exampleConfig(SERVICE),
      deploy: { pollInterval: '100ms' },
      monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
    });
    const started = await runCli(['deploy', '-c', file, '--task-queue', taskQueue, '--by', 'olivia'], {
      env: cliEnv({ GITHUB_TOKEN: lab.token }),
    });
    expect(started.stderr).toBe('');
    await waitForStatus((s) => s.phase === 'approval' && s.waitingFor !== undefined);

    browser = await openBrowser({ viewport: { width: 1440, height: 900 }, timeoutMs: 30_000 });
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopCliProcesses();
    await stopWorker?.();
    await connection?.close();
    await lab?.close();
  });

  it('lists the deployments of one service, with phase, target color and outcome as columns', async () => {
    // The columns an operator adds once with the list's gear icon (kept in the browser's storage).
    await page.goto(`${ui}/namespaces/default/workflows`);
    await page.evaluate(() => {
      const columns = [
        'Status',
        'Workflow ID',
        'BlueGreenService',
        'BlueGreenPhase',
        'BlueGreenTargetColor',
        'BlueGreenOutcome',
        'Start',
        'End',
      ];
      localStorage.setItem('namespace-workflow-table-columns', JSON.stringify({ default: columns.map((label) => ({ label })) }));
    });
    const query = `BlueGreenService="${SERVICE}"`;
    await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const text = await mainTextWith(`bluegreen-${SERVICE}`);
    await page.screenshot({ path: join(SHOTS, 'web-ui-list-by-service.png') });

    expect(text).toContain('BlueGreenService');
    expect(text).toContain(SERVICE);
    expect(text).toMatch(/Running/);
    const row = page.locator('tr', { hasText: `bluegreen-${SERVICE}` }).first();
    const cells = await row.innerText();
    expect(cells).toContain('approval');
    expect(cells).toContain('green');
    // Another service's deployments are not in this list.
    expect(text).not.toMatch(/bluegreen-(?!ui-checkout)/);
  });

  it("shows one deployment's summary and current details: what happens and who must act", async () => {
    const sha = lab.github.branchHead('green')!.slice(0, 7);
    await page.goto(`${ui}/namespaces/default/workflows/${workflowIdFor(SERVICE)}`);
    await page.getByText('User Metadata', { exact: true }).click();
    const text = await mainTextWith('Waiting for QA approval');
    await page.screenshot({ path: join(SHOTS, 'web-ui-deployment-at-approval.png'), fullPage: true });

    // The summary says what was attempted; what happened is in the details and, at the end, the memo.
    expect(text).toContain(`${SERVICE}: deploy ${sha} to green, by olivia`);
    expect(text).toContain('waiting up to 1h for alice or bob');
    expect(text).toContain(`bluegreen approve ${SERVICE} --by <name>`);
    expect(text).toContain(`bluegreen reject ${SERVICE} --by <name> --reason`);
    // Every activity so far has a summary in words.
    for (const summary of [
      "check the plan against the worker's policy",
      'read active color from',
      'read head of green',
      'dispatch deploy-green.yml on green',
      'verify green at',
    ]) {
      expect(text).toContain(summary);
    }

    const approved = await runCli(['approve', SERVICE, '--by', 'alice', '--comment', 'QA passed']);
    expect(approved.code).toBe(0);
    await finalStatus(client.workflow.getHandle(workflowIdFor(SERVICE)));
    await page.reload();
    await page.getByText('User Metadata', { exact: true }).click();
    const done = await mainTextWith('SUCCEEDED');
    await page.screenshot({ path: join(SHOTS, 'web-ui-deployment-succeeded.png'), fullPage: true });
    expect(done).toContain('traffic is on green');
    expect(done).toContain('alice');
    // Both colors side by side: the new one live since the switch, the old one redeployed by sync.
    expect(done).toMatch(
      new RegExp(
        `● green: takes traffic since \\d{4}-\\d\\d-\\d\\d [\\d:]{8} UTC; runs ${sha}; last deployment: this deployment`,
      ),
    );
    expect(done).toContain(`○ blue: no traffic; runs ${sha} (merged by sync); redeployed by the sync of this deployment`);
  });
});
