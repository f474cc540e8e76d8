// The exact changes an existing workflow needs before bluegreen can dispatch it, from the same
// reading `doctor` checks (client/preflight/workflow-file.ts): each a sentence saying where, and
// the YAML to put there, declared as the shipped templates declare it.
import { stringify } from 'yaml';
import {
  extraRequiredInputs,
  hasDispatchTrigger,
  missingInputs,
  readWorkflowFile,
  runNameCarriesId,
  type WorkflowReading,
} from '../preflight/workflow-file.js';
import { templateConcurrency, templateInput, type WorkflowRole } from './templates.js';

export interface WorkflowChange {
  /** Where and what, in one sentence ending with ':' when `yaml` follows. */
  what: string;
  yaml?: string;
  /** The mapping `yaml`'s keys go into (path from the root; [] the root itself). */
  at?: string[];
  /** Without it a dispatch fails or is not found again; otherwise recommended. */
  required: boolean;
}

const block = (value: unknown) => stringify(value, { nullStr: '' }).trimEnd();

function inputsBlock(role: WorkflowRole, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, templateInput(role, name)]));
}

function suggestedRunName(reading: WorkflowReading, role: WorkflowRole, file: string): string {
  const id = '[${{ inputs.deployment_id }}]';
  if (reading.runName) return `${reading.runName} ${id}`;
  const title = reading.name ?? file;
  return role.kind === 'switch' ? `${title} to \${{ inputs.color }} ${id}` : `${title} @ \${{ inputs.sha }} ${id}`;
}

/** Every change the workflow needs (none: it is ready), or the one problem that stops reading it. */
export function workflowChanges(
  text: string,
  role: WorkflowRole,
  sends: readonly string[],
  file: string,
): { changes: WorkflowChange[]; reading?: WorkflowReading } {
  const parsed = readWorkflowFile(text);
  if (!parsed.ok) return { changes: [{ what: `fix the file first: it ${parsed.problem}`, required: true }] };
  const { reading } = parsed;
  const changes: WorkflowChange[] = [];
  if (!hasDispatchTrigger(reading)) {
    const dispatch = { workflow_dispatch: { inputs: inputsBlock(role, sends) } };
    if (reading.triggersAsMapping)
      changes.push({
        what: 'under `on:`, add the trigger bluegreen dispatches, with its inputs:',
        yaml: block(dispatch),
        at: ['on'],
        required: true,
      });
    else {
      const kept = Object.fromEntries(reading.triggers.map((t) => [t, null]));
      const was = reading.triggers.length === 0 ? 'add' : `replace \`on: ${reading.triggers.join(', ')}\` with`;
      changes.push({
        what: `${was} the trigger bluegreen dispatches, with its inputs:`,
        yaml: block({ on: { ...kept, ...dispatch } }),
        at: [],
        required: true,
      });
    }
  } else {
    const missing = missingInputs(reading, sends);
    if (missing.length > 0) {
      const declaresInputs = Object.keys(reading.inputs).length > 0;
      changes.push({
        what: declaresInputs
          ? `under \`on.workflow_dispatch.inputs\`, add ${missing.join(', ')}:`
          : `under \`on.workflow_dispatch\`, add the inputs bluegreen sends:`,
        yaml: block(declaresInputs ? inputsBlock(role, missing) : { inputs: inputsBlock(role, missing) }),
        at: declaresInputs ? ['on', 'workflow_dispatch', 'inputs'] : ['on', 'workflow_dispatch'],
        required: true,
      });
    }
  }
  for (const name of extraRequiredInputs(reading, sends))
    changes.push({
      what: `give input \`${name}\` a default or \`required: false\`: bluegreen sends only ${sends.join(', ')}, and GitHub refuses a dispatch without a required input`,
      required: true,
    });
  if (!runNameCarriesId(reading))
    changes.push({
      what: `${reading.runName ? 'change' : 'add'} \`run-name\` so that it carries the deployment id (bluegreen finds its run by it, so a retried dispatch never deploys twice):`,
      yaml: `run-name: ${JSON.stringify(suggestedRunName(reading, role, file))}`,
      at: [],
      required: true,
    });
  const concurrency = reading.concurrency as { 'cancel-in-progress'?: unknown } | string | undefined;
  if (concurrency === undefined)
    changes.push({
      what: `add a concurrency group, so that ${role.kind === 'switch' ? 'one traffic switch runs' : 'one deploy per color runs'} at a time and none is cancelled half-way:`,
      yaml: block({ concurrency: templateConcurrency(role) }),
      at: [],
      required: false,
    });
  else if (typeof concurrency === 'object' && concurrency !== null && concurrency['cancel-in-progress'] === true)
    changes.push({
      what: 'set `concurrency.cancel-in-progress: false`: a cancelled run leaves its change half-made:',
      yaml: block({ concurrency: { ...concurrency, 'cancel-in-progress': false } }),
      at: [],
      required: false,
    });
  return { changes, reading };
}
