// Repository, branches, refs, commits and merges (the sync phase brings branches level).
import { createHash } from 'node:crypto';
import { GitHubError, notFound } from './errors.js';
import { objectBody, optionalString, requiredString } from './body.js';
import type { RouteTable } from './route-table.js';
import { branchJson, commitJson, fullRepository, refJson } from './shapes.js';
import type { GitHubState } from './state.js';
import { WORKFLOWS_DIR } from './workflow-files.js';

const MERGE_DOCS = 'https://docs.github.com/rest/branches/branches#merge-a-branch';

export function addRepoRoutes(table: RouteTable, state: GitHubState): void {
  table.add('GET', '/repos/:owner/:repo', ({ params }) => {
    state.requireRepo(params);
    return { status: 200, body: fullRepository(state.shapes) };
  });

  table.add('GET', '/repos/:owner/:repo/branches/*branch', ({ params }) => {
    state.requireRepo(params);
    const branch = params['branch']!;
    const sha = state.repo.head(branch);
    if (!sha) throw new GitHubError(404, 'Branch not found', 'https://docs.github.com/rest/branches/branches#get-a-branch');
    return { status: 200, body: branchJson(state.shapes, branch, state.repo.commits.get(sha)!) };
  });

  // Only workflow files have content in the lab; ref defaults to the default branch, as on GitHub.
  table.add('GET', '/repos/:owner/:repo/contents/*path', ({ params, query }) => {
    state.requireRepo(params);
    const path = params['path']!;
    const ref = query.get('ref') ?? state.repo.defaultBranch;
    const docs = 'https://docs.github.com/rest/repos/contents#get-repository-content';
    if (!state.repo.head(ref) || !path.startsWith(WORKFLOWS_DIR)) throw notFound(docs);
    const file = path.slice(WORKFLOWS_DIR.length);
    const text = state.workflowFiles.text(ref, file, state.workflows.find(file));
    if (text === undefined) throw notFound(docs);
    const bytes = Buffer.from(text, 'utf8');
    return {
      status: 200,
      body: {
        type: 'file',
        encoding: 'base64',
        size: bytes.byteLength,
        name: file,
        path,
        content: bytes.toString('base64').replace(/(.{60})/g, '$1\n'),
        sha: createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex'),
      },
    };
  });

  table.add('GET', '/repos/:owner/:repo/git/ref/*ref', ({ params }) => {
    state.requireRepo(params);
    const ref = params['ref']!;
    const branch = ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined;
    const sha = branch === undefined ? undefined : state.repo.head(branch);
    if (branch === undefined || !sha) throw notFound('https://docs.github.com/rest/git/refs#get-a-reference');
    return { status: 200, body: refJson(state.shapes, branch, sha) };
  });

  table.add('GET', '/repos/:owner/:repo/commits/*ref', ({ params }) => {
    state.requireRepo(params);
    const sha = state.repo.resolve(params['ref']!);
    if (!sha) throw new GitHubError(422, `No commit found for SHA: ${params['ref']}`);
    return { status: 200, body: commitJson(state.shapes, state.repo.commits.get(sha)!) };
  });

  table.add('POST', '/repos/:owner/:repo/merges', ({ params, body }) => {
    state.requireRepo(params);
    const input = objectBody(body, MERGE_DOCS);
    const base = requiredString(input, 'base', MERGE_DOCS);
    const head = requiredString(input, 'head', MERGE_DOCS);
    const message = optionalString(input, 'commit_message', MERGE_DOCS) ?? `Merge ${head} into ${base}`;
    const baseSha = state.repo.head(base);
    if (!baseSha) throw new GitHubError(404, 'Base does not exist', MERGE_DOCS);
    const headSha = state.repo.resolve(head);
    if (!headSha) throw new GitHubError(404, 'Head does not exist', MERGE_DOCS);
    if (state.repo.contains(baseSha, headSha)) return { status: 204 };
    if (state.mergeConflict) throw new GitHubError(409, 'Merge conflict', MERGE_DOCS);
    const commit = state.repo.merge(base, headSha, message);
    return { status: 201, body: commitJson(state.shapes, commit) };
  });
}
