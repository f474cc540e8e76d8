// For each workflow bluegreen will dispatch (the deploy of each color on its branch, the traffic
// switch on its ref): the existing file it found and the changes that file needs, or the template
// to write where the branch has none.
import type { Octokit } from '@octokit/rest';
import { DEPLOY_INPUT_NAMES, SWITCH_INPUT_NAMES } from '../../contract/dispatch-inputs.js';
import type { Color } from '../../contract/types.js';
import type { InitAnswers } from './answers.js';
import { deployFit, pick, switchFit, workflowsOn, type RepoRef, type RepoWorkflow } from './discover.js';
import { templateFile, templateText, type WorkflowRole } from './templates.js';
import { workflowChanges, type WorkflowChange } from './workflow-changes.js';

export type Inspected = {
  /** "deploy green", "switch". */
  label: string;
  branch: string;
  file: string;
} & (
  | { kind: 'found'; name?: string; changes: WorkflowChange[]; others: string[]; byFlag: boolean }
  | { kind: 'missing'; template: string }
);

export async function inspectWorkflows(octokit: Octokit, ref: RepoRef, answers: InitAnswers): Promise<Inspected[]> {
  const byBranch = new Map<string, Promise<RepoWorkflow[]>>();
  const on = (branch: string) => {
    if (!byBranch.has(branch)) byBranch.set(branch, workflowsOn(octokit, ref, branch));
    return byBranch.get(branch)!;
  };
  const result: Inspected[] = [];
  for (const color of ['green', 'blue'] as const) {
    const branch = answers.branches[color];
    const named = answers.deployWorkflows[color];
    const files = await on(branch);
    const chosen = named ? { found: files.find((w) => w.file === named), others: [] } : pick(files, (w) => deployFit(w, color));
    result.push(
      inspected(
        `deploy ${color}`,
        branch,
        chosen,
        named,
        (found) => ({
          kind: 'deploy',
          ...(found && deployFit(found, color) === 1 ? {} : { color }),
        }),
        DEPLOY_INPUT_NAMES,
      ),
    );
  }
  const dispatched = switchWorkflowOf(answers);
  if (dispatched) {
    const { branch, named } = dispatched;
    const files = await on(branch);
    const chosen = named ? { found: files.find((w) => w.file === named), others: [] } : pick(files, switchFit);
    result.push(inspected('switch', branch, chosen, named, () => ({ kind: 'switch' }), SWITCH_INPUT_NAMES));
  }
  return result;
}

/** The workflow the chosen switch type dispatches: its branch (and the flag naming it), the file a flag named. */
export function switchWorkflowOf(answers: InitAnswers): { branch: string; flag: string; named?: string } | undefined {
  const { dispatches } = answers.switch.init;
  if (!dispatches) return undefined;
  const named = answers.switch.answers[dispatches.file];
  return { branch: answers.switch.answers[dispatches.ref]!, flag: dispatches.ref, ...(named ? { named } : {}) };
}

function inspected(
  label: string,
  branch: string,
  chosen: { found?: RepoWorkflow | undefined; others: string[] },
  named: string | undefined,
  roleOf: (found?: RepoWorkflow) => WorkflowRole,
  sends: readonly string[],
): Inspected {
  const { found, others } = chosen;
  if (!found) {
    const role = roleOf();
    return { label, branch, file: named ?? templateFile(role), kind: 'missing', template: templateText(role) };
  }
  const { changes } = workflowChanges(found.text, roleOf(found), sends, found.file);
  return {
    label,
    branch,
    file: found.file,
    kind: 'found',
    ...(found.name !== undefined ? { name: found.name } : {}),
    changes,
    others,
    byFlag: named !== undefined,
  };
}

/** The workflow file each color deploys with, and the switch's, as the config names them. */
export function chosenFiles(list: Inspected[]): { deploy: Record<Color, string>; switch?: string } {
  const file = (label: string) => list.find((i) => i.label === label)?.file;
  const sw = file('switch');
  return { deploy: { green: file('deploy green')!, blue: file('deploy blue')! }, ...(sw ? { switch: sw } : {}) };
}
