// Reads a repository's workflows through the GitHub API with the user's own token: the
// `.github/workflows` directory of a branch (one contents call), then each YAML file in it, and
// picks the deploy workflow of a color and the traffic switch workflow by file name and by `name:`.
import type { Octokit } from '@octokit/rest';
import type { Color } from '../../contract/types.js';
import { badInput } from '../errors.js';
import { readWorkflowFile } from '../preflight/workflow-file.js';

export interface RepoWorkflow {
  file: string;
  branch: string;
  text: string;
  /** `name:` of the workflow, when it has one. */
  name?: string;
}

const WORKFLOWS_DIR = '.github/workflows';
/** More files than this in the directory: the rest are not read (each is a request). */
const MAX_FILES = 60;

const status = (err: unknown) => (err as { status?: unknown }).status;
const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

export type RepoRef = {
  owner: string;
  repo: string;
};

/** The repository is readable with this token (else a clear error naming what to fix). */
export async function requireRepository(octokit: Octokit, ref: RepoRef, apiUrl: string): Promise<void> {
  try {
    await octokit.rest.repos.get(ref);
  } catch (err) {
    if (status(err) === 404)
      throw badInput(
        `repository ${ref.owner}/${ref.repo} not found on ${apiUrl}, or the token cannot read it (it needs Contents: read): check --repo and GITHUB_TOKEN`,
      );
    if (status(err) === 401)
      throw badInput(`GitHub refused the token (401 ${firstLine(err)}): set GITHUB_TOKEN to a valid token`);
    throw badInput(`cannot read ${ref.owner}/${ref.repo} on ${apiUrl}: ${firstLine(err)}`);
  }
}

export async function requireBranch(octokit: Octokit, ref: RepoRef, branch: string, flag: string): Promise<void> {
  try {
    await octokit.rest.repos.getBranch({ ...ref, branch });
  } catch (err) {
    if (status(err) === 404)
      throw badInput(
        `branch "${branch}" does not exist in ${ref.owner}/${ref.repo}: create it (\`git push origin HEAD:${branch}\`) or name another with ${flag}`,
      );
    throw badInput(`cannot read branch "${branch}" of ${ref.owner}/${ref.repo}: ${firstLine(err)}`);
  }
}

/** Every workflow file on the branch, with its text; none when the directory does not exist there. */
export async function workflowsOn(octokit: Octokit, ref: RepoRef, branch: string): Promise<RepoWorkflow[]> {
  let entries: Array<{ type: string; name: string; path: string }>;
  try {
    const { data } = await octokit.rest.repos.getContent({ ...ref, path: WORKFLOWS_DIR, ref: branch });
    if (!Array.isArray(data)) return [];
    entries = data;
  } catch (err) {
    if (status(err) === 404) return [];
    throw badInput(`cannot list ${WORKFLOWS_DIR} on ${branch}: ${firstLine(err)}`);
  }
  const files = entries.filter((e) => e.type === 'file' && /\.ya?ml$/.test(e.name)).slice(0, MAX_FILES);
  const found: RepoWorkflow[] = [];
  for (const entry of files) {
    const text = await fileText(octokit, ref, entry.path, branch);
    if (text === undefined) continue;
    const parsed = readWorkflowFile(text);
    const name = parsed.ok ? parsed.reading.name : undefined;
    found.push({ file: entry.name, branch, text, ...(name !== undefined ? { name } : {}) });
  }
  return found;
}

async function fileText(octokit: Octokit, ref: RepoRef, path: string, branch: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...ref, path, ref: branch });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw badInput(`cannot read ${path} on ${branch}: ${firstLine(err)}`);
  }
}

const base = (file: string) => file.replace(/\.ya?ml$/, '').toLowerCase();
const mentions = (text: string, word: string) => new RegExp(`(^|[^a-z])${word}([^a-z]|$)`, 'i').test(text);
const other = (color: Color): Color => (color === 'blue' ? 'green' : 'blue');

/**
 * How well a workflow fits as the deploy of `color`: 3 its file is deploy-<color>, 2 its file or
 * name speaks of deploying that color ("Deployment to Green"), 1 a deploy naming no color (one
 * workflow for both), 0 not a deploy of this color.
 */
export function deployFit(workflow: RepoWorkflow, color: Color): number {
  const file = base(workflow.file);
  const words = `${file} ${workflow.name ?? ''}`;
  if (!/deploy/i.test(words) || mentions(words, other(color))) return 0;
  if (file === `deploy-${color}` || file === `deploy_${color}`) return 3;
  if (mentions(words, color)) return 2;
  return 1;
}

/** How well a workflow fits as the traffic switch: its file is dns-update, its file or name says DNS, or switch/traffic. */
export function switchFit(workflow: RepoWorkflow): number {
  const file = base(workflow.file);
  const words = `${file} ${workflow.name ?? ''}`;
  if (file === 'dns-update' || file === 'dns_update' || file === 'dns') return 3;
  if (mentions(words, 'dns')) return 2;
  if (/switch|traffic|cutover/i.test(words)) return 1;
  return 0;
}

/** The best fit, and the other candidates (shown, so a person can pick another with a flag). */
export function pick(workflows: RepoWorkflow[], fit: (w: RepoWorkflow) => number): { found?: RepoWorkflow; others: string[] } {
  const ranked = workflows
    .map((workflow) => ({ workflow, score: fit(workflow) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.workflow.file.localeCompare(b.workflow.file));
  const [best, ...rest] = ranked;
  return best ? { found: best.workflow, others: rest.map((r) => r.workflow.file) } : { others: [] };
}
