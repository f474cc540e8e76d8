// Whether the GitHub credential in this shell may dispatch workflows on the repository, as far as
// GitHub tells (github.com and GHES alike):
// - a classic token or OAuth token answers with `X-OAuth-Scopes`: dispatch needs the `repo` scope
//   (`public_repo` on a public repository), and `permissions` in `GET /repos` is its owner's role;
// - a GitHub App installation: `GET /repos` carries no `permissions` (or all false), but the
//   token's permissions come with the token itself (`POST /app/installations/{id}/access_tokens`),
//   so with GITHUB_APP_* they are read there; a bare installation token in GITHUB_TOKEN cannot
//   be asked (it is told apart by `GET /installation/repositories`, 200 for it, 403 for a user);
// - a fine-grained token (it gets `X-Accepted-GitHub-Permissions`, never `X-OAuth-Scopes`):
//   `permissions` is its owner's role, and GitHub has no way to read the token's own permissions,
//   so it is asked with a dispatch that cannot run (fineGrainedCheck below).
import type { Octokit } from '@octokit/rest';
import type { GitHubAuth } from '../../activities/octokit.js';
import { EXIT } from '../errors.js';
import { fail, pass, unknown, type CheckResult } from './check.js';

const WHAT = 'token may dispatch workflows';

export interface RepositoryAnswer {
  data: { private?: boolean; permissions?: { admin?: boolean; maintain?: boolean; push?: boolean } };
  headers: Record<string, string | number | undefined>;
}

const status = (err: unknown) => (err as { status?: unknown }).status;
const header = (answer: RepositoryAnswer, name: string): string | undefined => {
  const value = answer.headers[name];
  return value === undefined ? undefined : String(value);
};
const writes = (p: RepositoryAnswer['data']['permissions']) => p !== undefined && Boolean(p.push || p.maintain || p.admin);
const ownerReadOnly = () =>
  fail(
    WHAT,
    "the token's owner has read access only to the repository",
    'use the token of someone with write access (or a GitHub App with Actions: read and write, Contents: read)',
  );

export async function tokenAccessCheck(
  octokit: Octokit,
  ownerRepo: { owner: string; repo: string },
  repository: RepositoryAnswer,
  auth: GitHubAuth,
  /** A workflow file bluegreen dispatches, for the fine-grained token's probe. */
  workflow: string,
): Promise<CheckResult> {
  const { permissions } = repository.data;
  const scopes = header(repository, 'x-oauth-scopes');
  if (scopes !== undefined) {
    const list = scopes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const enough = repository.data.private === false ? ['repo', 'public_repo'] : ['repo'];
    if (!list.some((s) => enough.includes(s)))
      return fail(
        WHAT,
        `a classic token without the repo scope (its scopes: ${list.join(', ') || 'none'})`,
        'give the token the repo scope, or use a fine-grained token with Actions: read and write and Contents: read',
      );
    if (!writes(permissions)) return ownerReadOnly();
    return pass(WHAT, `classic token with the ${list.find((s) => enough.includes(s))} scope, write access`);
  }

  if (auth.kind === 'app') {
    const installation = (await octokit.auth({ type: 'installation' })) as { permissions?: Record<string, string> };
    const actions = installation.permissions?.actions;
    if (installation.permissions === undefined)
      return unknown(WHAT, "this GitHub did not say the installation token's permissions (the app needs Actions: write)");
    if (actions !== 'write')
      return fail(
        WHAT,
        `the GitHub App's installation has Actions: ${actions ?? 'no access'}`,
        'give the app Actions: read and write (and Contents: read) in its settings, then accept the new permissions on the installation',
      );
    return pass(WHAT, 'GitHub App installation with Actions: write');
  }

  const isInstallation = await octokit.request('GET /installation/repositories', { per_page: 1 }).then(
    () => true,
    (err: unknown) => (status(err) === 403 || status(err) === 401 ? false : undefined),
  );
  if (isInstallation)
    return unknown(
      WHAT,
      'an installation token: GitHub does not tell it its permissions (the app needs Actions: write); with GITHUB_APP_* instead, doctor reads them',
    );
  if (permissions !== undefined && !writes(permissions)) return ownerReadOnly();
  if (header(repository, 'x-accepted-github-permissions') !== undefined) return fineGrainedCheck(octokit, ownerRepo, workflow);
  if (permissions === undefined) return unknown(WHAT, 'GitHub did not say what this token may do (it needs Actions: write)');
  return pass(WHAT, 'write access');
}

/**
 * A fine-grained token's permissions cannot be read, so it is asked: a dispatch to a ref that
 * cannot exist (`..` is not allowed in a Git ref name, so nothing can ever run) is refused with
 * 403 "Resource not accessible by personal access token" without Actions: write, and with 422
 * "No ref found" with it.
 */
async function fineGrainedCheck(octokit: Octokit, ownerRepo: { owner: string; repo: string }, workflow: string) {
  const answer = await octokit.rest.actions
    .createWorkflowDispatch({ ...ownerRepo, workflow_id: workflow, ref: IMPOSSIBLE_REF })
    .then(
      () => 'accepted' as const,
      (err: unknown) => status(err),
    );
  if (answer === 403)
    return fail(
      WHAT,
      'the fine-grained token may not dispatch workflows (403 without Actions: write)',
      'give the token Actions: read and write (and Contents: read) on this repository',
    );
  if (answer === 422) return pass(WHAT, 'fine-grained token, a dispatch is allowed (asked with a ref that cannot exist)');
  return unknown(
    WHAT,
    `a fine-grained token: GitHub does not tell its permissions and the probe answered ${String(answer)}; it needs Actions: read and write`,
  );
}

export const IMPOSSIBLE_REF = 'bluegreen-doctor..no-such-ref';

/** Missing credentials are a set-up problem (exit 2), like everywhere else in the CLI. */
export const noCredentials = (detail: string): CheckResult =>
  fail(
    'GitHub token',
    detail,
    'set GITHUB_TOKEN (e.g. $(gh auth token)) or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID',
    EXIT.BAD_INPUT,
  );
