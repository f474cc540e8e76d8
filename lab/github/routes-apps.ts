// GitHub App endpoints that @octokit/auth-app calls: the installation token exchange, and the
// installation look-ups a worker may use to discover its installation id.
import { GitHubError, notFound } from './errors.js';
import type { RouteTable } from './route-table.js';
import { APP_PERMISSIONS, fullRepository, installationJson, ownerUser } from './shapes.js';
import type { GitHubState } from './state.js';

export function addAppRoutes(table: RouteTable, state: GitHubState): void {
  const app = () => {
    if (!state.auth.app) throw notFound();
    return state.auth.app;
  };

  table.add('GET', '/app', () => {
    const { appId } = app();
    return {
      status: 200,
      body: {
        id: appId,
        slug: 'bluegreen',
        node_id: Buffer.from(`Integration:${appId}`).toString('base64url'),
        name: 'bluegreen',
        description: 'Blue/green deployments (bluegreen lab)',
        external_url: state.shapes.webUrl,
        html_url: `${state.shapes.webUrl}/apps/bluegreen`,
        owner: ownerUser(state.shapes),
        permissions: APP_PERMISSIONS,
        events: [],
        created_at: state.repo.createdAt,
        updated_at: state.repo.createdAt,
      },
    };
  });

  table.add('GET', '/app/installations/:installation_id', ({ params }) => {
    const { appId, installationId } = app();
    if (Number(params['installation_id']) !== installationId) throw notFound();
    return { status: 200, body: installationJson(state.shapes, installationId, appId) };
  });

  table.add('GET', '/repos/:owner/:repo/installation', ({ params }) => {
    const { appId, installationId } = app();
    state.requireRepo(params);
    return { status: 200, body: installationJson(state.shapes, installationId, appId) };
  });

  // Only an installation token may list its repositories; a person's token (classic or
  // fine-grained) is refused, which is how a client tells the two apart.
  table.add('GET', '/installation/repositories', ({ authKind }) => {
    if (authKind !== 'installation')
      throw new GitHubError(
        403,
        'You must authenticate with an installation access token in order to list repositories for an installation.',
        'https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation',
      );
    const { permissions: _ownerRole, ...repository } = fullRepository(state.shapes);
    return {
      status: 200,
      body: { total_count: 1, repository_selection: 'selected', repositories: [{ ...repository, has_downloads: true }] },
    };
  });

  table.add('POST', '/app/installations/:installation_id/access_tokens', ({ params }) => {
    const { installationId } = app();
    if (Number(params['installation_id']) !== installationId) throw notFound();
    const issued = state.auth.issueInstallationToken();
    return {
      status: 201,
      body: { token: issued.token, expires_at: issued.expiresAt, permissions: APP_PERMISSIONS, repository_selection: 'selected' },
    };
  });
}
