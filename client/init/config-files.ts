// The two files `init` writes: bluegreen.yaml (the deployer's, with the editors' schema line) and
// a matching bluegreen-worker.yaml (the worker's policy: where its credentials may go, what this
// service may fetch, who approves). Both are checked with the loaders that will read them.
import { stringify } from 'yaml';
import { parseWorkerPolicy } from '../../worker/policy.js';
import { parseConfigText } from '../config.js';
import { configSchemaUrl } from '../config-json-schema.js';
import { packageVersion } from '../version.js';
import { GITHUB_API, type InitAnswers } from './answers.js';

export interface ChosenWorkflows {
  deploy: { green: string; blue: string };
  /** The switch workflow (switch type workflow). */
  switch?: string;
}

export function configObject(answers: InitAnswers, workflows: ChosenWorkflows): Record<string, unknown> {
  const env = (color: 'green' | 'blue') => ({
    branch: answers.branches[color],
    url: answers.urls[color],
    deployWorkflow: workflows.deploy[color],
  });
  return {
    service: answers.service,
    github: { owner: answers.owner, repo: answers.repo, ...(answers.githubUrl ? { baseUrl: answers.githubUrl } : {}) },
    publicUrl: answers.publicUrl,
    colorPath: answers.colorPath,
    environments: { green: env('green'), blue: env('blue') },
    switch: answers.switch.init.config(answers.switch.answers, workflows.switch ? { workflow: workflows.switch } : {}),
    approval: answers.approval ? { required: true, approvers: answers.approvers } : { required: false },
  };
}

export function configText(answers: InitAnswers, workflows: ChosenWorkflows): string {
  const header = [
    `# yaml-language-server: $schema=${configSchemaUrl(packageVersion())}`,
    `# bluegreen.yaml for ${answers.service}, written by \`bluegreen init\`. Every other field has a default`,
    '# (docs/cli.md, examples/bluegreen.yaml). `bluegreen validate` checks this file, `bluegreen doctor`',
    '# everything it relies on, and `bluegreen deploy --wait` deploys.',
  ];
  const text = `${header.join('\n')}\n${stringify(configObject(answers, workflows), { lineWidth: 0 })}`;
  // What is written must load: a problem here is init's own.
  parseConfigText(text, 'bluegreen.yaml (as init would write it)', {});
  return text;
}

const origin = (url: string) => new URL(url).origin;

/** The switch type's part of the policy, if it has one. */
const switchPolicy = (answers: InitAnswers) => answers.switch.init.policy?.(answers.switch.answers);

export function policyObject(answers: InitAnswers): Record<string, unknown> {
  const urls = [...new Set([answers.publicUrl, answers.urls.green, answers.urls.blue].map(origin))];
  return {
    github: {
      apiRoots: [answers.githubUrl ?? GITHUB_API],
      repositories: [`${answers.owner}/${answers.repo}`],
    },
    ...switchPolicy(answers)?.sections,
    egress: [{ match: answers.service, urls }],
    services: [
      {
        match: answers.service,
        approval: answers.approval
          ? { required: true, approvers: answers.approvers, allowSelfApproval: false }
          : { required: false },
      },
    ],
  };
}

export function policyText(answers: InitAnswers): string {
  const header = [
    `# bluegreen-worker.yaml: the worker's policy for ${answers.service}, written by \`bluegreen init\``,
    '# (docs/security.md; all sections: examples/bluegreen-worker.yaml). A plan asking for more than this',
    '# ends FAILED in plan, before any credentialed request. Run the worker with it:',
    '#   BLUEGREEN_WORKER_POLICY=bluegreen-worker.yaml bluegreen worker',
    ...(switchPolicy(answers)?.notes ?? []).map((note) => `# ${note}`),
  ];
  const text = `${header.join('\n')}\n${stringify(policyObject(answers), { lineWidth: 0 })}`;
  parseWorkerPolicy(text, 'bluegreen-worker.yaml (as init would write it)', switchPolicy(answers)?.env ?? {});
  return text;
}
