// `bluegreen init`: from a repository's existing workflows to a bluegreen.yaml and a worker
// policy. Reads the repository through the GitHub API with the user's token, shows per workflow
// file and branch the changes bluegreen needs, writes the templates where a workflow is missing,
// and never replaces a file unasked.
import { join, resolve } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { createGitHubClient, githubAuthFromEnv } from '../../activities/octokit.js';
import { bluegreenCommand } from '../../contract/commands.js';
import { badInput, EXIT } from '../errors.js';
import { GITHUB_API, initAnswers, isInteractive, type InitFlags } from '../init/answers.js';
import { configText, policyText } from '../init/config-files.js';
import { requireBranch, requireRepository } from '../init/discover.js';
import { chosenFiles, inspectWorkflows, switchWorkflowOf } from '../init/inspect.js';
import { renderInspected } from '../init/report.js';
import { writePlanned, type PlannedFile } from '../init/write-files.js';

export interface InitOptions extends InitFlags {
  config?: string;
  policy?: string;
  workflowsDir?: string;
  force?: boolean;
}

export async function init(options: InitOptions): Promise<number> {
  // No token, no reading: said before any question is asked.
  let auth: ReturnType<typeof githubAuthFromEnv>;
  try {
    auth = githubAuthFromEnv(process.env);
  } catch (err) {
    throw badInput(
      `${(err as Error).message} (init reads the repository with your own token, e.g. GITHUB_TOKEN=$(gh auth token))`,
    );
  }
  const interactive = isInteractive(options);
  const { answers, asker } = await initAnswers(options, interactive);
  try {
    const apiUrl = answers.githubUrl ?? GITHUB_API;
    const octokit = createGitHubClient({
      auth,
      ...(answers.githubUrl ? { baseUrl: answers.githubUrl } : {}),
      retries: 0,
    }) as unknown as Octokit;
    const ref = { owner: answers.owner, repo: answers.repo };
    await requireRepository(octokit, ref, apiUrl);
    await requireBranch(octokit, ref, answers.branches.green, '--green-branch');
    await requireBranch(octokit, ref, answers.branches.blue, '--blue-branch');
    const dispatched = switchWorkflowOf(answers);
    if (dispatched) await requireBranch(octokit, ref, dispatched.branch, dispatched.flag);

    const inspected = await inspectWorkflows(octokit, ref, answers);
    const configPath = resolve(options.config ?? 'bluegreen.yaml');
    const policyPath = resolve(options.policy ?? 'bluegreen-worker.yaml');
    const workflowsDir = resolve(options.workflowsDir ?? join('.github', 'workflows'));
    const templates = new Map<string, PlannedFile>();
    for (const item of inspected)
      if (item.kind === 'missing' && !templates.has(item.file))
        templates.set(item.file, {
          path: join(workflowsDir, item.file),
          text: item.template,
          what: `${item.label} workflow template`,
        });
    const planned: PlannedFile[] = [
      { path: configPath, text: configText(answers, chosenFiles(inspected)), what: 'the config' },
      { path: policyPath, text: policyText(answers), what: 'the worker policy' },
      ...templates.values(),
    ];
    const { written } = await writePlanned(planned, {
      force: options.force === true,
      ...(interactive ? { confirm: (q: string) => asker.confirm(q) } : {}),
    });

    console.log(`bluegreen init: ${answers.owner}/${answers.repo} (${apiUrl})`);
    console.log('\nWorkflows bluegreen dispatches, each on the branch it runs from:');
    for (const item of inspected) {
      const template = templates.get(item.file);
      console.log(renderInspected(item, template && written.includes(template) ? template.path : undefined));
    }
    console.log('');
    for (const file of planned)
      console.log(written.includes(file) ? `wrote ${file.path} (${file.what})` : `kept ${file.path} as it was`);
    const pending = inspected.filter((i) => i.kind === 'missing' || i.changes.some((c) => c.required)).length;
    const config = options.config ? ` -c ${options.config}` : '';
    console.log(
      `\nNext: ${pending > 0 ? 'make the changes above on their branches and commit them; then ' : ''}` +
        `\`${bluegreenCommand('doctor')}${config}\` checks everything, and \`${bluegreenCommand('deploy')}${config} --wait\` deploys.`,
    );
    return EXIT.SUCCEEDED;
  } finally {
    asker.close();
  }
}
