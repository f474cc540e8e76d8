// Determinism: the workflow code of this checkout must replay the histories of real past
// deployments (test/histories/*.json, recorded by scripts/record-histories.ts, one or more per
// outcome). A change that would make running deployments fail on a worker upgrade fails here
// first; such a change goes behind patched() (docs/contributing.md). The second test proves the
// check bites: a copy of the workflow code with one extra timer must fail every history.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../contract/types.js';
import { silentLogger, workflowBundle } from './support/harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HISTORIES = join(ROOT, 'test/histories');
// Inside the checkout (git-ignored tmp/) so webpack finds node_modules from the copy.
const MUTANT_DIR = join(ROOT, 'tmp', `replay-mutant-${process.pid}`);

interface Recorded {
  name: string;
  /** workflowId: the id it ran under, when it matters to the code (a release train checks its own). */
  history: { events: Array<Record<string, unknown>>; workflowId?: string };
}

async function recorded(): Promise<Recorded[]> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => ({ name: f.replace(/\.json$/, ''), history: JSON.parse(await readFile(join(HISTORIES, f), 'utf8')) })),
  );
}

/** The outcome in the status the last event carries: the result, or the details of the failure a deployment that did not succeed ends with. */
function outcomeOf(history: Recorded['history']): Outcome | undefined {
  type Payloads = { payloads?: Array<{ data?: string }> } | undefined;
  const last = history.events.at(-1);
  const completed = last?.['workflowExecutionCompletedEventAttributes'] as { result?: Payloads } | undefined;
  const failed = last?.['workflowExecutionFailedEventAttributes'] as
    { failure?: { applicationFailureInfo?: { details?: Payloads } } } | undefined;
  const data = (completed?.result ?? failed?.failure?.applicationFailureInfo?.details)?.payloads?.[0]?.data;
  return data ? (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { outcome?: Outcome }).outcome : undefined;
}

async function replayAll(bundle: { code: string }, histories: Recorded[]) {
  const results: Array<{ name: string; error: Error | undefined }> = [];
  const replays = Worker.runReplayHistories(
    { workflowBundle: bundle },
    // fromObject reads protobufjs's JSON form back into a History (int64s, enums, bytes).
    histories.map(({ name, history }) => ({
      workflowId: history.workflowId ?? `bluegreen-${name}`,
      history: temporal.api.history.v1.History.fromObject(history),
    })),
  );
  let i = 0;
  for await (const result of replays) results.push({ name: histories[i++]!.name, error: result.error });
  return results;
}

afterAll(async () => {
  await rm(MUTANT_DIR, { recursive: true, force: true });
});

describe('replay of recorded histories', () => {
  it('has a completed history of every outcome', async () => {
    const outcomes = new Set((await recorded()).map((r) => outcomeOf(r.history)));
    expect([...outcomes].sort()).toEqual(['ABORTED', 'FAILED', 'ROLLED_BACK', 'SUCCEEDED']);
  });

  it('the current workflow code replays every one of them', async () => {
    const histories = await recorded();
    const results = await replayAll(await workflowBundle(), histories);
    expect(results.map((r) => r.name)).toEqual(histories.map((h) => h.name));
    for (const { name, error } of results) expect(error, `${name}: ${error?.message}`).toBeUndefined();
  });

  it('a non-deterministic change (one extra timer before the plan) fails every one of them', async () => {
    await mkdir(MUTANT_DIR, { recursive: true });
    // The workflow bundle's sources: the workflow, the switch types' steps, the analysis types and the types they share.
    for (const dir of ['contract', 'views', 'workflows', 'switches', 'analysis', 'activities', 'client', 'notify']) {
      if (existsSync(join(ROOT, dir))) await cp(join(ROOT, dir), join(MUTANT_DIR, dir), { recursive: true });
    }
    const file = join(MUTANT_DIR, 'workflows/phases/plan.ts');
    const source = await readFile(file, 'utf8');
    const anchor = "  tracker.start('plan',";
    expect(source).toContain(anchor);
    await writeFile(
      file,
      `import { sleep as mutantSleep } from '@temporalio/workflow';\n${source.replace(anchor, `    await mutantSleep(1);\n${anchor}`)}`,
    );
    // And one before a release train starts its first service.
    const trainFile = join(MUTANT_DIR, 'workflows/release-train.ts');
    const trainSource = await readFile(trainFile, 'utf8');
    const trainAnchor = '  const stop = await deployStage(train, decided);';
    expect(trainSource).toContain(trainAnchor);
    await writeFile(
      trainFile,
      `import { sleep as mutantSleep } from '@temporalio/workflow';\n${trainSource.replace(trainAnchor, `  await mutantSleep(1);\n${trainAnchor}`)}`,
    );
    const mutant = await bundleWorkflowCode({
      workflowsPath: join(MUTANT_DIR, 'workflows/index.ts'),
      logger: silentLogger,
    });

    const histories = await recorded();
    const results = await replayAll(mutant, histories);
    expect(results).toHaveLength(histories.length);
    for (const { name, error } of results) {
      expect(error, name).toBeInstanceOf(DeterminismViolationError);
      expect(error?.message, name).toMatch(/[Nn]ondetermin/);
    }
  });
});
