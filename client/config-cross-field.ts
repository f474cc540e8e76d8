// The rules of bluegreen.yaml that span fields (two colors on one branch, approval without
// approvers, a monitor interval longer than its window, duplicate hook names, onFailure.tests
// without a test to apply to). They run on the
// parsed config, or on what can be read of a file the schema refused, so they are reported
// with the schema's problems in one go (client/config.ts).
import { parseDuration, type BlueGreenConfig } from './config-schema.js';
import type { ConfigProblem } from './config.js';

/** The fields the cross-field rules compare; absent where the file has no usable value. */
interface CrossFieldView {
  branch: { green?: string; blue?: string };
  url: { green?: string; blue?: string };
  deployWorkflow: { green?: string; blue?: string };
  approvalRequired?: boolean;
  approvers?: unknown[];
  monitorDurationMs?: number;
  monitorIntervalMs?: number;
  hookNames: string[];
  /** Whether onFailure.tests is set, and how many verify.tests there are (undefined: not a list). */
  onFailureTests: boolean;
  verifyTests?: number;
}

export function viewOfConfig(config: BlueGreenConfig): CrossFieldView {
  const { green, blue } = config.environments;
  return {
    branch: { green: green.branch, blue: blue.branch },
    url: { green: green.url, blue: blue.url },
    deployWorkflow: { green: green.deployWorkflow, blue: blue.deployWorkflow },
    approvalRequired: config.approval.required,
    approvers: config.approval.approvers,
    monitorDurationMs: config.monitor.duration,
    monitorIntervalMs: config.monitor.interval,
    hookNames: [...config.hooks.preSwitch, ...config.hooks.postSync].map((h) => h.name),
    onFailureTests: config.onFailure.tests !== undefined,
    verifyTests: config.verify.tests?.length ?? 0,
  };
}

/** The same view of a file the schema refused, taking only values of the right shape (defaults as in the schema). */
export function viewOfRaw(raw: unknown): CrossFieldView {
  const at = (...path: string[]): unknown =>
    path.reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined,
      raw,
    );
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  const url = (value: unknown): string | undefined => text(value)?.replace(/\/+$/, '');
  const ms = (value: unknown, fallback: string): number | undefined =>
    value === undefined
      ? parseDuration(fallback)
      : value === 0
        ? 0
        : typeof value === 'string'
          ? parseDuration(value)
          : undefined;
  const hooks = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.map((h) => text((h as { name?: unknown } | null)?.name)).filter((n): n is string => n !== undefined)
      : [];
  const required = at('approval', 'required');
  const tests = at('verify', 'tests');
  const approvers = at('approval', 'approvers');
  return {
    branch: { green: text(at('environments', 'green', 'branch')), blue: text(at('environments', 'blue', 'branch')) },
    url: { green: url(at('environments', 'green', 'url')), blue: url(at('environments', 'blue', 'url')) },
    deployWorkflow: {
      green: text(at('environments', 'green', 'deployWorkflow')),
      blue: text(at('environments', 'blue', 'deployWorkflow')),
    },
    approvalRequired: required === undefined ? true : typeof required === 'boolean' ? required : undefined,
    approvers: approvers === undefined ? [] : Array.isArray(approvers) ? approvers : undefined,
    monitorDurationMs: ms(at('monitor', 'duration'), '15m'),
    monitorIntervalMs: ms(at('monitor', 'interval'), '30s'),
    hookNames: [...hooks(at('hooks', 'preSwitch')), ...hooks(at('hooks', 'postSync'))],
    onFailureTests: at('onFailure', 'tests') !== undefined,
    verifyTests: tests === undefined ? 0 : Array.isArray(tests) ? tests.length : undefined,
  };
}

export function crossFieldProblems(view: CrossFieldView): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const same = (pair: { green?: string; blue?: string }): pair is { green: string; blue: string } =>
    pair.green !== undefined && pair.green === pair.blue;
  if (same(view.branch)) {
    problems.push({
      path: 'environments.blue.branch',
      message: `green and blue use the same branch "${view.branch.blue}": each color needs its own`,
    });
  }
  if (same(view.url)) {
    problems.push({
      path: 'environments.blue.url',
      message: 'green and blue have the same URL: each color needs its own environment',
    });
  }
  if (same(view.deployWorkflow)) {
    problems.push({
      path: 'environments.blue.deployWorkflow',
      message: `green and blue dispatch the same workflow "${view.deployWorkflow.blue}": each color deploys with its own`,
    });
  }
  if (view.approvalRequired === true && view.approvers?.length === 0) {
    problems.push({
      path: 'approval.approvers',
      message: 'approval is required but nobody may approve: list at least one approver, or set approval.required: false',
    });
  }
  const { monitorDurationMs: duration, monitorIntervalMs: interval } = view;
  if (duration !== undefined && interval !== undefined && duration !== 0 && interval > duration) {
    problems.push({ path: 'monitor.interval', message: 'is longer than monitor.duration: no probe would run' });
  }
  const names = view.hookNames;
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) problems.push({ path: 'hooks', message: `hook name "${duplicate}" is used twice: names must be unique` });
  if (view.onFailureTests && view.verifyTests === 0) {
    problems.push({
      path: 'onFailure.tests',
      message: 'is set, but verify.tests lists no test workflow it could apply to: add verify.tests, or remove onFailure.tests',
    });
  }
  return problems;
}
