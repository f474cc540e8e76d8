// What a workflow file must offer bluegreen's dispatch: a `workflow_dispatch` trigger declaring
// every input bluegreen sends (GitHub refuses undeclared inputs with 422), requiring none it does
// not send, and a run-name that shows `inputs.deployment_id` (how the run is found again).
import { parse } from 'yaml';

export function workflowFileProblems(text: string, sends: readonly string[]): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return [`is not valid YAML (${(err as Error).message.split('\n')[0]})`];
  }
  if (doc === null || typeof doc !== 'object') return ['is not a workflow (no mapping)'];
  const root = doc as Record<string, unknown>;
  // YAML 1.1 readers turn the key `on` into true; GitHub reads `on`.
  const on = root['on'] ?? root['true'];
  const triggers =
    typeof on === 'string' ? { [on]: null } : Array.isArray(on) ? Object.fromEntries(on.map((t) => [String(t), null])) : on;
  if (triggers === null || typeof triggers !== 'object' || !('workflow_dispatch' in triggers))
    return ['has no workflow_dispatch trigger'];
  const dispatch = (triggers as Record<string, unknown>)['workflow_dispatch'];
  const declared = (dispatch && typeof dispatch === 'object' ? (dispatch as Record<string, unknown>)['inputs'] : undefined) ?? {};
  const inputs = typeof declared === 'object' && declared !== null ? (declared as Record<string, unknown>) : {};
  const problems: string[] = [];
  const missing = sends.filter((name) => !(name in inputs));
  if (missing.length > 0) problems.push(`workflow_dispatch lacks input${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  const extraRequired = Object.entries(inputs)
    .filter(([name, spec]) => !sends.includes(name) && (spec as { required?: unknown } | null)?.required === true)
    .filter(([, spec]) => (spec as { default?: unknown }).default === undefined)
    .map(([name]) => name);
  if (extraRequired.length > 0)
    problems.push(`requires input${extraRequired.length === 1 ? '' : 's'} bluegreen does not send: ${extraRequired.join(', ')}`);
  const runName = root['run-name'];
  if (typeof runName !== 'string' || !/\$\{\{\s*inputs\.deployment_id\s*\}\}/.test(runName))
    problems.push('run-name does not contain ${{ inputs.deployment_id }}');
  return problems;
}
