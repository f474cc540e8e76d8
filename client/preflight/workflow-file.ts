// What a workflow file must offer bluegreen's dispatch: a `workflow_dispatch` trigger declaring
// every input bluegreen sends (GitHub refuses undeclared inputs with 422), requiring none it does
// not send, and a run-name that shows `inputs.deployment_id` (how the run is found again).
// `doctor` reports the problems; `init` turns the same reading into the changes to make.
import { parse } from 'yaml';

/** A workflow file as far as bluegreen cares. */
export interface WorkflowReading {
  /** `name:`, when it is a string. */
  name?: string;
  runName?: string;
  /** The triggers in `on:`, as written (a string, a list or a mapping all give their names). */
  triggers: string[];
  /** `on:` was a mapping (new triggers are added under it as keys). */
  triggersAsMapping: boolean;
  /** `workflow_dispatch.inputs`, empty when the trigger has none (or is absent). */
  inputs: Record<string, { required?: unknown; default?: unknown } | null>;
  concurrency?: unknown;
}

export type WorkflowParse = { ok: true; reading: WorkflowReading } | { ok: false; problem: string };

export function readWorkflowFile(text: string): WorkflowParse {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { ok: false, problem: `is not valid YAML (${(err as Error).message.split('\n')[0]})` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return { ok: false, problem: 'is not a workflow (no mapping)' };
  const root = doc as Record<string, unknown>;
  // YAML 1.1 readers turn the key `on` into true; GitHub reads `on`.
  const on = root['on'] ?? root['true'];
  const asMapping = on !== null && typeof on === 'object' && !Array.isArray(on);
  const triggers =
    typeof on === 'string' ? [on] : Array.isArray(on) ? on.map(String) : asMapping ? Object.keys(on as object) : [];
  const dispatch = asMapping ? (on as Record<string, unknown>)['workflow_dispatch'] : undefined;
  const declared = dispatch && typeof dispatch === 'object' ? (dispatch as Record<string, unknown>)['inputs'] : undefined;
  const inputs =
    declared !== null && typeof declared === 'object' && !Array.isArray(declared) ? (declared as WorkflowReading['inputs']) : {};
  return {
    ok: true,
    reading: {
      ...(typeof root['name'] === 'string' ? { name: root['name'] } : {}),
      ...(typeof root['run-name'] === 'string' ? { runName: root['run-name'] } : {}),
      triggers,
      triggersAsMapping: asMapping,
      inputs,
      ...(root['concurrency'] !== undefined ? { concurrency: root['concurrency'] } : {}),
    },
  };
}

export const hasDispatchTrigger = (reading: WorkflowReading): boolean => reading.triggers.includes('workflow_dispatch');

export const missingInputs = (reading: WorkflowReading, sends: readonly string[]): string[] =>
  sends.filter((name) => !(name in reading.inputs));

/** Inputs the workflow requires without a default that bluegreen does not send: GitHub refuses the dispatch. */
export const extraRequiredInputs = (reading: WorkflowReading, sends: readonly string[]): string[] =>
  Object.entries(reading.inputs)
    .filter(([name, spec]) => !sends.includes(name) && spec?.required === true && spec.default === undefined)
    .map(([name]) => name);

export const RUN_NAME_ID = /\$\{\{\s*inputs\.deployment_id\s*\}\}/;
export const runNameCarriesId = (reading: WorkflowReading): boolean =>
  reading.runName !== undefined && RUN_NAME_ID.test(reading.runName);

export function workflowFileProblems(text: string, sends: readonly string[]): string[] {
  const parsed = readWorkflowFile(text);
  if (!parsed.ok) return [parsed.problem];
  const { reading } = parsed;
  if (!hasDispatchTrigger(reading)) return ['has no workflow_dispatch trigger'];
  const problems: string[] = [];
  const missing = missingInputs(reading, sends);
  if (missing.length > 0) problems.push(`workflow_dispatch lacks input${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  const extraRequired = extraRequiredInputs(reading, sends);
  if (extraRequired.length > 0)
    problems.push(`requires input${extraRequired.length === 1 ? '' : 's'} bluegreen does not send: ${extraRequired.join(', ')}`);
  if (!runNameCarriesId(reading)) problems.push('run-name does not contain ${{ inputs.deployment_id }}');
  return problems;
}
