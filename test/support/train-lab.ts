// A release train on the lab: three services (web after api, worker independent), each with a lab
// of its own (its GitHub, its router, its blue and green apps), so a failure of one service's app
// is that service's alone; the train plan, how to start it, wait for it and read how it ended.
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { recordDeployerForPlan } from '../../client/github-identity.js';
import { approveSignal } from '../../contract/messages.js';
import { trainStatusQuery } from '../../contract/train-messages.js';
import { TRAIN_WORKFLOW_TYPE, trainWorkflowIdFor, type TrainPlan, type TrainStatus } from '../../contract/train.js';
import { startLab, type Lab } from '../../lab/index.js';
import type { releaseTrain } from '../../workflows/release-train.js';
import { FAST_LAB, it as base } from './fixture.js';
import { labPlan } from './harness.js';
import { deepMerge, uniqueService } from './lab-deployments.js';

export const ROLES = ['api', 'web', 'worker'] as const;
export type Role = (typeof ROLES)[number];
export type Labs = Record<Role, Lab>;

/** Three labs (the activities take every URL from the plan, so one worker serves them all). */
export const it = base.extend<{ labs: Labs }>({
  labs: async ({ lab, own }, use) => {
    const more = await Promise.all([1, 2].map(async () => own(await startLab(FAST_LAB))));
    await use({ api: lab, web: more[0]!, worker: more[1]! });
  },
});

/** Short timings; every service takes qa-lead's approval (the train's approver must be allowed by each). */
export const SERVICE = {
  deploy: { pollInterval: '100ms', runTimeout: '1m' },
  verify: { successes: 1, interval: '100ms', timeout: '10s' },
  approval: { required: true, approvers: ['qa-lead', 'alice'], timeout: '1h' },
  monitor: { duration: '500ms', interval: '100ms', failureThreshold: 3 },
  switch: { verifyTimeout: '10s' },
  sync: { enabled: true, redeploy: true },
};

/** The train's plan (approved by qa-lead), each service's config SERVICE with `overrides` merged in. */
export function trainPlan(labs: Labs, overrides: Partial<Record<Role, Record<string, unknown>>> = {}) {
  const name = uniqueService('tl');
  const names = Object.fromEntries(ROLES.map((r) => [r, `${name}-${r}`])) as Record<Role, string>;
  const after: Record<Role, string[]> = { api: [], web: [names.api], worker: [] };
  const plan: TrainPlan = {
    train: name,
    trainId: `${name}-1`,
    requestedBy: 'deployer',
    services: ROLES.map((role) => {
      const service = labPlan(labs[role], names[role], deepMerge(SERVICE, overrides[role] ?? {}));
      return {
        service: names[role],
        after: after[role],
        plan: {
          ...service,
          requestedBy: 'deployer',
          train: { name, workflowId: trainWorkflowIdFor(name), approval: 'train' as const },
        },
      };
    }),
    approval: { required: true, approvers: ['qa-lead'], minApprovals: 1, timeoutMs: 3_600_000, perService: false },
    monitor: {},
    rollback: { automatic: true },
  };
  return { plan, names };
}

/**
 * The train's plan with api's approval taken on GitHub (the qa environment's review, alice or
 * qa-lead), as `bluegreen deploy` makes it: api's plan records dave as the deployer.
 */
export async function gitHubGatedTrainPlan(labs: Labs, overrides: Partial<Record<Role, Record<string, unknown>>> = {}) {
  labs.api.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa'] });
  const viaGitHub = { approval: { via: 'github', environment: 'qa', approvers: ['alice', 'qa-lead'] } };
  const { plan, names } = trainPlan(labs, { ...overrides, api: { ...overrides.api, ...viaGitHub } });
  plan.approval.approvers = ['alice', 'qa-lead'];
  const api = plan.services[0]!;
  api.plan = await recordDeployerForPlan(api.plan, 'green', labs.api.github.branchHead('green'), {
    GITHUB_TOKEN: labs.api.github.reviews.tokenOf('dave'),
  });
  return { plan, names };
}

export async function startTrain(client: Client, taskQueue: string, plan: TrainPlan) {
  return client.workflow.start<typeof releaseTrain>(TRAIN_WORKFLOW_TYPE, {
    workflowId: trainWorkflowIdFor(plan.train),
    taskQueue,
    args: [plan],
  });
}

/** Polls `read` every 50 ms until `ok`; fails naming `what` and the last value read. */
export async function until<T>(read: () => Promise<T> | T, ok: (t: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** The train's final status, whether it succeeded or not. */
export async function finalTrain(handle: WorkflowHandle<typeof releaseTrain>): Promise<TrainStatus> {
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
      return err.cause.details?.[0] as TrainStatus;
    }
    throw err;
  }
}

/** Approves the train as qa-lead once it waits for that, then waits until web (the last to switch) answers green. */
export async function approveAndWaitForWebGreen(handle: WorkflowHandle<typeof releaseTrain>, labs: Labs): Promise<void> {
  await until(
    () => handle.query(trainStatusQuery),
    (s) => s.phase === 'approval' || !!s.outcome,
    'approval',
  );
  await handle.signal(approveSignal, { by: 'qa-lead' });
  await until(
    () => publicColor(labs.web),
    (c) => c === 'green',
    'web on green',
  );
}

/** The colors each change of a service's router moved it to, in order. */
export const moves = (labs: Labs, role: Role) => labs[role].router.switches.filter((sw) => sw.changed).map((sw) => sw.color);

/** A rolled-back train on the lab: every service deployed once, switched there and back once, not synced, on blue; web back before api. */
export async function expectEveryServiceBackWebFirst(labs: Labs): Promise<void> {
  for (const role of ROLES) {
    const lab = labs[role];
    expect(await publicColor(lab), role).toBe('blue');
    expect(lab.github.dispatchCount('deploy-green.yml'), role).toBe(1);
    expect(lab.github.dispatchCount('dns-update.yml'), role).toBe(2); // there and back, once each
    expect(lab.github.dispatchCount('deploy-blue.yml'), role).toBe(0); // no sync after a failure
    expect(moves(labs, role), role).toEqual(['green', 'blue']);
  }
  const back = (role: Role) => labs[role].router.switches.filter((sw) => sw.changed)[1]!.at;
  expect(back('web') < back('api')).toBe(true);
}

export const publicColor = async (lab: Lab) =>
  ((await fetch(`${lab.publicUrl}/deployment/color/`).then((r) => r.json())) as { color: string }).color;

export const outcomes = (s: TrainStatus, names: Record<Role, string>) =>
  Object.fromEntries(ROLES.map((r) => [r, s.services.find((x) => x.service === names[r])?.outcome]));

/** Each service's state in the train's status, by role. */
export const states = (s: TrainStatus, names: Record<Role, string>) =>
  Object.fromEntries(ROLES.map((r) => [r, s.services.find((x) => x.service === names[r])?.state]));
