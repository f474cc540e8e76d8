// `GET /user`: who the credential is. GitHub answers an installation token (an app acting on
// its own) with 403 "Resource not accessible by integration": it has no user; an app finds its
// bot login through `GET /app` (its slug) instead.
import { publicUserJson } from './actors.js';
import { callerActor } from './people.js';
import { GitHubError } from './errors.js';
import type { RouteTable } from './route-table.js';
import type { GitHubState } from './state.js';

const USER_DOCS = 'https://docs.github.com/rest/users/users#get-the-authenticated-user';

export function addUserRoutes(table: RouteTable, state: GitHubState): void {
  table.add('GET', '/user', ({ authKind, login }) => {
    if (authKind === 'installation') throw new GitHubError(403, 'Resource not accessible by integration', USER_DOCS);
    return { status: 200, body: publicUserJson(state.shapes, callerActor(state.people, authKind, login), state.repo.createdAt) };
  });
}
