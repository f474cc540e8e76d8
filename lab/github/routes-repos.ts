// Repository, branches, refs, commits and merges (the sync phase brings branches level).
import { directoryContent, fileContent } from './contents.js';
import { GitHubError, notFound } from './errors.js';
import { objectBody, optionalString, requiredString } from './body.js';
import type { RouteTable } from './route-table.js';
import { branchJson, commitJson, fullRepository, refJson } from './shapes.js';
import type { RepoRole } from './people.js';
import type { GitHubState } from './state.js';
import { WORKFLOWS_DIR } from './workflow-files.js';

const ROLE_PERMISSIONS: Record<RepoRole, Record<string, boolean>> = {
  admin: { admin: true, maintain: true, push: true, triage: true, pull: true },
  write: { admin: false, maintain: false, push: true, triage: true, pull: true },
  read: { admin: false, maintain: false, push: false, triage: false, pull: true },
  none: { admin: false, maintain: false, push: false, triage: false, pull: false },
};

const MERGE_DOCS = 'https://docs.github.com/rest/branches/branches#merge-a-branch';

export function addRepoRoutes(table: RouteTable, state: GitHubState): void {
  // `permissions` is the caller's role (a token's owner); an installation token gets none, as on GitHub.
  table.add('GET', '/repos/:owner/:repo', ({ params, authKind, login }) => {
    state.requireRepo(params);
    const { permissions, ...repository } = fullRepository(state.shapes);
    if (authKind === 'installation') return { status: 200, body: repository };
    const role = login === undefined ? undefined : state.people.get(login)?.role;
    return { status: 200, body: { ...repository, permissions: role === undefined ? permissions : ROLE_PERMISSIONS[role] } };
  });

  table.add('GET', '/repos/:owner/:repo/branches/*branch', ({ params }) => {
    state.requireRepo(params);
    const branch = params['branch']!;
    const sha = state.repo.head(branch);
    if (!sha) throw new GitHubError(404, 'Branch not found', 'https://docs.github.com/rest/branches/branches#get-a-branch');
    return { status: 200, body: branchJson(state.shapes, branch, state.repo.commits.get(sha)!) };
  });

  // Only workflow files and their directory have content in the lab; ref defaults to the default
  // branch, as on GitHub, and a ref that names no branch is a 404 of its own.
  table.add('GET', '/repos/:owner/:repo/contents/*path', ({ params, query }) => {
    state.requireRepo(params);
    const path = params['path']!.replace(/\/+$/, '');
    const ref = query.get('ref') ?? state.repo.defaultBranch;
    const docs = 'https://docs.github.com/rest/repos/contents#get-repository-content';
    if (!state.repo.head(ref)) throw new GitHubError(404, `No commit found for the ref ${ref}`, docs);
    const files = state.workflowFiles.list(ref, state.workflows.list());
    if (`${path}/` === WORKFLOWS_DIR) {
      if (files.length === 0) throw notFound(docs);
      return { status: 200, body: directoryContent(state.shapes, path, ref, files) };
    }
    if (!path.startsWith(WORKFLOWS_DIR)) throw notFound(docs);
    const found = files.find(({ file }) => file === path.slice(WORKFLOWS_DIR.length));
    if (!found) throw notFound(docs);
    return { status: 200, body: fileContent(state.shapes, path, ref, found.text) };
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
