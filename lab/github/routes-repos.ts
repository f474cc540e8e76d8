// Repository, branches, refs, commits and merges (the sync phase brings branches level).
import { GitHubError, notFound } from './errors.js';
import { objectBody, optionalString, requiredString } from './body.js';
import type { RouteTable } from './route-table.js';
import { branchJson, commitJson, fullRepository, refJson } from './shapes.js';
import type { GitHubState } from './state.js';

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
