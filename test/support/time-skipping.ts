// The fast layer of workflow tests: blueGreenDeployment on Temporal's time-skipping test server
// (a 24 h approval timeout or a week-long freeze passes at once), its activities replaced by
// recorded results, so each decision branch runs in well under a second.
//   import { it } from './support/time-skipping.js';
//   it('…', async ({ deploy }) => {
//     const d = await deploy({ approval: { required: true, approvers: ['alice'] } }, { monitorChecks: unhealthy });
//     expect((await finalStatus(d)).outcome).toBe('ROLLED_BACK');
//   });
// One environment and one workflow bundle per test file, a worker and a service of its own per
// test. The server is the Java SDK's test server that scripts/install-test-server.sh installs
// into .tools (TEMPORAL_TEST_SERVER names another); a test fails, never skips, without it.
// What crosses a process or the network (GitHub, probes, DNS, workers dying) stays with the lab
// tests on the dev server.
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type SignalDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { test as base } from 'vitest';
import { stringify } from 'yaml';
import type { NotifyActivities } from '../../notify/activities.js';
import type { BlueGreenActivities } from '../../workflows/activity-types.js';
import type { SwitchActivities } from '../../switches/activity-types.js';
import { createSwitchTypeActivities } from '../../switches/activities.js';
import { parseConfigText } from '../../client/config.js';
import { resolvePlan } from '../../client/plan.js';
import { startDeployment } from '../../client/start-deployment.js';
import { mergeConfig } from '../../lab/merge-config.js';
import { createBlueGreenWorker, WORKFLOWS_PATH } from '../../worker/worker.js';
import type { blueGreenDeployment } from '../../workflows/blue-green-deployment.js';
import { statusQuery, WORKFLOW_TYPE, workflowIdFor, type ReasonInput } from '../../contract/messages.js';
import { ALL_SEARCH_ATTRIBUTE_KEYS, searchAttribute } from '../../contract/search-attributes.js';
import type { DeploymentPlan, DeploymentStatus, PhaseStatus } from '../../contract/types.js';
import { MINIMAL_CONFIG } from './configs.js';
import { finalStatus } from './final-status.js';

/** The launcher scripts/install-test-server.sh writes; TEMPORAL_TEST_SERVER names another one. */
export const TEST_SERVER =
  process.env['TEMPORAL_TEST_SERVER'] ?? fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Installed already by another module of this test file.
}

/** The time-skipping test server on a free port; a clear error when it is missing or does not start. */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const install = 'bash scripts/install-test-server.sh (Java 11+ and Maven on the first run)';
  try {
    await access(TEST_SERVER, constants.X_OK);
  } catch {
    throw new Error(`no time-skipping test server at ${TEST_SERVER}: install it with ${install}`);
  }
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: TEST_SERVER } },
    });
  } catch (err) {
    throw new Error(`the time-skipping test server ${TEST_SERVER} did not start (reinstall: ${install}): ${String(err)}`);
  }
  // Deployments start with their search attributes set, as the CLI starts them. (This server
  // adds search attributes but cannot list them: a fresh one knows none.)
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, 2 /* INDEXED_VALUE_TYPE_KEYWORD */])),
  });
  return env;
}

/** Every activity a worker registers, by name: the workflow's contract plus the notification channels. */
export type AllActivities = BlueGreenActivities & NotifyActivities;
export type ActivityName = keyof AllActivities;
/** A recorded result per activity: plain functions of the input, as the real ones would answer. */
export type RecordedActivities = { [K in Exclude<ActivityName, PluginActivityName>]: AllActivities[K] } & {
  [K in PluginActivityName]?: AllActivities[K];
};
/** The activities switch types add (switches/<type>/activities.ts): unrecorded unless a test records them. */
type PluginActivityName = keyof SwitchActivities;
/** Their names at run time, from the registered factories (defaults: nothing is contacted). */
const PLUGIN_ACTIVITY_NAMES = Object.keys(createSwitchTypeActivities()) as ActivityName[];

/** The commit the recorded branch heads answer. */
export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const PREVIOUS_SHA = 'f0e1d2c3b4a5968778695a4b3c2d1e0f12345678';
/** The color the recorded public endpoint answers before the deployment. */
export const ACTIVE = 'blue';

const runUrl = (runId: number) => `https://github.com/acme/api/actions/runs/${runId}`;

/** An activity a decision branch of these tests should never reach: fails its workflow at once, naming it. */
const unrecorded = (name: ActivityName) => async (): Promise<never> => {
  throw ApplicationFailure.nonRetryable(`no recorded result for activity ${name}: record one in the test`, 'Unrecorded');
};

/**
 * A healthy world: blue is live, every run succeeds, every check passes, the public endpoint
 * answers whatever color it was switched to, no switch window holds the switch.
 */
export function recordedActivities(): RecordedActivities {
  let nextRunId = 1000;
  return {
    readPlan: async ({ plan }) => ({
      allowed: true,
      policy: allowedAsPlanned(plan),
      active: ACTIVE,
      sha: HEAD_SHA,
      previousSha: PREVIOUS_SHA,
    }),
    checkPlanPolicy: async (plan) => allowedAsPlanned(plan),
    readActiveColor: async () => ACTIVE,
    readBranchHead: async () => HEAD_SHA,
    checkMetricQueries: async () => [],
    createGitHubDeployment: async () => 42,
    setGitHubDeploymentStatus: async () => undefined,
    dispatchWorkflow: async () => {
      const runId = nextRunId++;
      return { runId, url: runUrl(runId), reused: false };
    },
    findDispatchedRun: async () => ({}),
    waitForWorkflowRun: async ({ runId }) => ({ runId, url: runUrl(runId), conclusion: 'success' }),
    cancelWorkflowRun: async ({ runId }) => ({
      runId,
      url: runUrl(runId),
      outcome: 'cancelled',
      conclusion: 'cancelled',
      forced: false,
    }),
    verifyChecks: async ({ successes }) => ({ ok: true, rounds: successes, checks: [] }),
    waitForPublicColor: async () => ({ ok: true, elapsedMs: 0 }),
    // The public endpoint splits exactly as the step says (each color's count out of 40 answers).
    samplePublicShare: async ({ color, percent, samples }) => {
      const share = Math.round((percent * samples) / 100);
      const counts = color === 'green' ? { green: share, blue: samples - share } : { blue: share, green: samples - share };
      return { ok: true, share: percent, counts: { ...counts, failed: 0 }, samplesTaken: 1 };
    },
    monitorChecks: async ({ durationMs, intervalMs }) => ({
      verdict: 'healthy',
      rounds: Math.max(1, Math.floor(durationMs / intervalMs)),
      failedRounds: 0,
      checks: [],
    }),
    // The old color answers healthy whenever it is looked at afresh (the hot standby).
    checkStandby: async ({ color }) => ({
      color,
      healthy: true,
      probes: 1,
      consecutiveFailures: 0,
      probedAt: new Date().toISOString(),
    }),
    syncBranch: async () => ({ result: 'merged', sha: HEAD_SHA }),
    readSwitchSchedule: async () => ({ windows: [], freezes: [] }),
    checkNotificationChannels: async () => [],
    // Notifications, metric analysis, GitHub-verified approval and the other switch types have suites of their own.
    sendNotification: unrecorded('sendNotification'),
    monitorWindow: unrecorded('monitorWindow'),
    verifyWindow: unrecorded('verifyWindow'),
    readApprovalEnvironment: unrecorded('readApprovalEnvironment'),
    readDeployer: unrecorded('readDeployer'),
    openGate: unrecorded('openGate'),
    readGateDecision: unrecorded('readGateDecision'),
    isTeamMember: unrecorded('isTeamMember'),
  };
}

/**
 * The worker's verdict when its policy allows the plan as it is; whoever may approve may also
 * promote, and alice may retry, roll back and abort (an operator) whatever the plan lists.
 */
function allowedAsPlanned(plan: DeploymentPlan) {
  const { approval } = plan;
  return {
    problems: [],
    approval: {
      required: approval.required,
      approvers: [...approval.approvers],
      minApprovals: approval.minApprovals ?? 1,
      allowSelfApproval: approval.allowSelfApproval ?? false,
      promoters: [...approval.approvers],
      operators: ['alice'],
      via: approval.via ?? ['signal'],
      timeoutMs: approval.timeoutMs,
    },
  };
}

/**
 * An activity that runs until the workflow cancels it (an abort, a promote, a rollback request),
 * heartbeating so that the cancellation reaches it; it never completes by itself.
 *
 * The worker serves its recorded activities one at a time, in the order they start, so a call
 * the workflow makes after cancelling this one waits until this one has reported back. The
 * test server holds time still while an activity is outstanding; the workflow does not wait
 * for a cancelled activity (the SDK's default cancellation type), and had it closed before the
 * activity reported, the report would be refused and the hold kept for the server's life:
 * every later timer of the file would wait in real time. A blocked activity with no call after
 * it (an abort during the plan reads) would leave such a hold: send that signal with the start
 * instead (`deploy`'s `signalWithStart`).
 *
 * It beats once a second, not faster: on a loaded machine (CI, load ~10 on 2 cores) a signal's
 * workflow task sometimes stayed started and never completed while this activity beat every
 * 100 ms (3 of 18 aborts during verify, none of 8 at one beat a second); the stuck deployment's
 * activity then held time still for the rest of the file, and every later timer test timed out.
 */
export const untilCancelled = async (): Promise<never> => {
  const activity = Context.current();
  const beat = setInterval(() => activity.heartbeat(), 1000);
  try {
    return await activity.cancelled;
  } finally {
    clearInterval(beat);
  }
};

/** A recorded call still running after this long is blocked (waiting for a cancel or the test), not working. */
const BLOCKED_AFTER_MS = 250;

/** How long a signal may take to be handled (its workflow task completed) before the test fails saying so. */
const SIGNAL_HANDLED_MS = 15_000;

/**
 * Makes `handle.signal` send once the workflow waits (settled) and resolve once it has handled
 * the signal (a workflow task completed after it in the history). `result()` lets time skip; if it did so while the signal's
 * workflow task was still running, the server could time out an activity that task cancels and
 * then refuse the cancel ("ACTIVITY_UNKNOWN"), leaving the task started for good and time held
 * still for the rest of the file (seen on a loaded machine: an abort during verify, then every
 * later timer test). Sent signals wait their turn; a signal to a closed workflow is not waited on.
 */
export function untilSignalsHandled(handle: WorkflowHandle, idle: () => boolean = () => true): void {
  const send = handle.signal.bind(handle) as (...args: unknown[]) => Promise<void>;
  const signalsIn = (events: History) => events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  const signal = async (...args: unknown[]): Promise<void> => {
    const deadline = Date.now() + SIGNAL_HANDLED_MS;
    const before = signalsIn(await settled(handle, idle, deadline)).length;
    await send(...args);
    for (;;) {
      const events = (await handle.fetchHistory()).events ?? [];
      if (events.some((e) => CLOSED.has(e.eventType ?? 0))) return;
      // A signal that arrives while a workflow task runs enters the history after that task.
      const ours = signalsIn(events)[before];
      const after = ours ? events.slice(events.indexOf(ours) + 1) : [];
      if (after.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) return;
      if (Date.now() > deadline) throw new Error(`${handle.workflowId}: a signal not handled within ${SIGNAL_HANDLED_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  Object.assign(handle, { signal });
}

/**
 * The history once the workflow waits: no recorded activity working (a call running for
 * BLOCKED_AFTER_MS is blocked: waiting for a cancel or for the test) and every workflow task
 * scheduled has completed. A signal sent then
 * cannot meet an activity completing while its own workflow task runs (the race that makes
 * this server refuse a cancel: ACTIVITY_UNKNOWN).
 */
async function settled(handle: WorkflowHandle, idle: () => boolean, deadline: number): Promise<History> {
  let quietBefore = false;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    const last = (type: number) => events.map((e) => e.eventType).lastIndexOf(type);
    const tasksDone = last(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) > last(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    if (events.some((e) => CLOSED.has(e.eventType ?? 0))) return events;
    // Twice in a row: a call that just returned may not have reached the server yet.
    const quiet = idle() && tasksDone;
    if (quiet && quietBefore) return events;
    quietBefore = quiet;
    if (Date.now() > deadline)
      throw new Error(`${handle.workflowId}: still working ${SIGNAL_HANDLED_MS} ms after a signal was asked for`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const EventType = temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistoryEvent[];
const CLOSED = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
]);

/** One activity call the worker served. */
export interface ActivityCall {
  name: ActivityName;
  input: unknown;
}

export interface Deployment {
  plan: DeploymentPlan;
  handle: WorkflowHandle<typeof blueGreenDeployment>;
  /** Every activity call so far, in order. */
  calls: ActivityCall[];
  /** The inputs of the calls of `name` so far. */
  inputsOf<K extends ActivityName>(name: K): Parameters<AllActivities[K]>[0][];
  /** Resolves once `name` has been called `times` times (@default 1). */
  called(name: ActivityName, times?: number): Promise<void>;
  /** The status query, polled until `predicate` holds (at most STATUS_POLLS times). */
  statusWhen(predicate: (s: DeploymentStatus) => boolean): Promise<DeploymentStatus>;
  /** The final status; time skips while it waits (timers fire as soon as nothing else runs). */
  result(): Promise<DeploymentStatus>;
}

/** A signal delivered with the start, in the workflow's first activation (before any activity runs). */
export interface StartWith {
  signalWithStart: { signal: SignalDefinition<[ReasonInput]>; args: [ReasonInput] };
}

export interface TimeSkippingFixtures {
  /** The time-skipping server of this test file. */
  env: TestWorkflowEnvironment;
  /** The file's worker and the recordings it serves, by workflow id. */
  worker: FileWorker;
  /**
   * Starts a deployment of a service of this test's own: the minimal config with `overrides`
   * deep-merged in (as YAML would have them), its activities the recorded ones with
   * `activities` in their place.
   */
  deploy(overrides?: Record<string, unknown>, activities?: Partial<RecordedActivities>, start?: StartWith): Promise<Deployment>;
}

/** One worker per file (creating one costs seconds: it loads the bundle); each deployment has its recordings. */
interface FileWorker {
  taskQueue: string;
  recordings: Map<string, (name: ActivityName, input: unknown) => Promise<unknown>>;
}

let bundle: Promise<{ code: string }> | undefined;
const nothing = () => undefined;
const quietLogger = {
  log: nothing,
  trace: nothing,
  debug: nothing,
  info: nothing,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }));

let deployments = 0;
/** statusWhen's bound: 500 queries, 20 ms apart (some 10 s on a busy machine). */
const STATUS_POLLS = 500;

/** A plan from the minimal config with `overrides` deep-merged in, for `service`. */
export function planFor(service: string, overrides: Record<string, unknown> = {}): DeploymentPlan {
  const config = mergeConfig({ ...MINIMAL_CONFIG, service }, overrides);
  return resolvePlan(parseConfigText(stringify(config), `${service}.yaml`), { requestedBy: 'deployer' });
}

/** Every activity name, each served by the recordings of the deployment (workflow id) that calls it. */
function routedActivities(recordings: FileWorker['recordings']): BlueGreenActivities {
  const route = (name: ActivityName) => (input: unknown) => {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? '(none)';
    const recorded = recordings.get(workflowId);
    if (!recorded) throw ApplicationFailure.nonRetryable(`no recordings for ${workflowId}: its test has ended`, 'Unrecorded');
    return recorded(name, input);
  };
  const names = [...new Set([...(Object.keys(recordedActivities()) as ActivityName[]), ...PLUGIN_ACTIVITY_NAMES])];
  return Object.fromEntries(names.map((name) => [name, route(name)])) as unknown as BlueGreenActivities;
}

export const test = base.extend<TimeSkippingFixtures>({
  env: [
    // (vitest reads a fixture's dependencies from its first parameter's pattern: none here)
    async ({}, use) => {
      const env = await startTimeSkippingEnvironment();
      await use(env);
      await env.teardown();
    },
    { scope: 'file' },
  ],
  worker: [
    async ({ env }, use) => {
      const recordings: FileWorker['recordings'] = new Map();
      const taskQueue = `timeskip-${Date.now() % 1_000_000}`;
      const worker = await createBlueGreenWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: routedActivities(recordings),
        // A cancelled activity hears of it with its next heartbeat: let it through at once.
        extra: { maxHeartbeatThrottleInterval: '20ms', defaultHeartbeatThrottleInterval: '20ms' },
      });
      await worker.runUntil(use({ taskQueue, recordings }));
    },
    { scope: 'file' },
  ],
  deploy: async ({ env, worker }, use) => {
    const started: string[] = [];
    await use(async (overrides = {}, activities = {}, start) => {
      const service = `ts-${++deployments}-${Date.now() % 100_000}`;
      const workflowId = workflowIdFor(service);
      const calls: ActivityCall[] = [];
      const waiters: { name: ActivityName; times: number; resolve: () => void }[] = [];
      // When each recorded call still running began (see untilSignalsHandled).
      const inFlight = new Set<{ since: number }>();
      const countOf = (name: ActivityName) => calls.filter((c) => c.name === name).length;
      const recorded: Record<string, (input: unknown) => Promise<unknown>> = { ...recordedActivities(), ...activities } as never;
      // One call at a time, in the order they start (see untilCancelled).
      let previous: Promise<unknown> = Promise.resolve();
      worker.recordings.set(workflowId, (name, input) => {
        calls.push({ name, input });
        for (const w of waiters.filter((w) => w.name === name && countOf(w.name) >= w.times)) w.resolve();
        const fn = recorded[name] ?? unrecorded(name);
        const call = { since: Date.now() };
        inFlight.add(call);
        const mine = previous.then(() => fn(input)).finally(() => inFlight.delete(call));
        previous = mine.catch(() => undefined);
        return mine;
      });
      started.push(workflowId);
      const plan = planFor(service, overrides);
      const { taskQueue } = worker;
      const handle = start
        ? await env.client.workflow.signalWithStart<typeof blueGreenDeployment, [ReasonInput]>(WORKFLOW_TYPE, {
            workflowId,
            taskQueue,
            args: [plan],
            signal: start.signalWithStart.signal,
            signalArgs: start.signalWithStart.args,
            typedSearchAttributes: [searchAttribute.service(service), searchAttribute.phase('plan')],
          })
        : await startDeployment(env.client, plan, { taskQueue });
      untilSignalsHandled(handle, () => [...inFlight].every((call) => Date.now() - call.since >= BLOCKED_AFTER_MS));
      return {
        plan,
        handle,
        calls,
        inputsOf: (name) => calls.filter((c) => c.name === name).map((c) => c.input) as never,
        called: (name, times = 1) =>
          countOf(name) >= times ? Promise.resolve() : new Promise((resolve) => waiters.push({ name, times, resolve })),
        statusWhen: async (predicate) => {
          // Bounded so that a branch that never gets there fails saying where it is instead.
          let last: DeploymentStatus | undefined;
          for (let polls = 0; polls < STATUS_POLLS; polls++) {
            last = await handle.query(statusQuery);
            if (predicate(last)) return last;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          throw new Error(
            `the status never got there; last: phase ${last?.phase}, waitingFor ${last?.waitingFor}, phases ${JSON.stringify(last?.phases)}`,
          );
        },
        result: () => finalStatus(handle),
      };
    });
    // A deployment its test left running would go on taking the file's worker: end it.
    for (const workflowId of started) {
      await env.client.workflow
        .getHandle(workflowId)
        .terminate('its test ended')
        .catch(() => undefined);
      worker.recordings.delete(workflowId);
    }
  },
});
export const it = test;

/** The named phase of a status (fails the test when the status has no such phase). */
export function phaseOf(status: DeploymentStatus, name: string): PhaseStatus {
  const phase = status.phases.find((p) => p.name === name);
  if (!phase) throw new Error(`no phase ${name} in ${status.phases.map((p) => p.name).join(', ')}`);
  return phase;
}

/** `name: state` of every phase, in order: the whole path a deployment took, in one assertion. */
export const phaseStates = (status: DeploymentStatus): Record<string, string> =>
  Object.fromEntries(status.phases.map((p) => [p.name, p.state]));
