// The people of the lab's GitHub: users with tokens of their own and their role on the
// repository, and the organization's teams. The worker's token is the bot `bluegreen-bot`;
// QA engineers, the deployer and outsiders each authenticate as themselves, so GitHub's
// authorization rules (who may review a pending deployment) can be modelled per person.
import type { AuthKind } from '../types.js';
import { actorFor, type LabActor } from './actors.js';
import { DEFAULT_GRANT, type TokenGrant } from './token-grants.js';

/** A user's access to the repository, as GitHub's collaborator permission levels. */
export type RepoRole = 'admin' | 'write' | 'read' | 'none';

export interface LabUser {
  login: string;
  id: number;
  /** Accepted as `token <t>` or `Bearer <t>`. */
  token: string;
  role: RepoRole;
  /** What the token itself may do (scopes or fine-grained permissions). */
  grant: TokenGrant;
}

export interface LabTeam {
  org: string;
  slug: string;
  id: number;
  name: string;
  members: string[];
}

/** The login every static token and installation token acts as (the worker's identity). */
export const BOT_LOGIN = 'bluegreen-bot';
export const BOT_ID = 4_200_002;

export interface NewUser {
  login: string;
  role?: RepoRole;
  /** @default `lab-token-<login>` */
  token?: string;
  /** @default a classic token with the repo scope */
  grant?: TokenGrant;
}

/**
 * Seeded people: two QA engineers (team `qa`), a developer who deploys, a reader who is no
 * reviewer, an outsider without access, and a repository admin.
 */
export const SEEDED_USERS: readonly NewUser[] = [
  { login: 'alice', role: 'write' },
  { login: 'bob', role: 'write' },
  { login: 'dave', role: 'write' },
  { login: 'erin', role: 'read' },
  { login: 'mallory', role: 'none' },
  { login: 'olivia', role: 'admin' },
];
export const SEEDED_TEAMS: ReadonlyArray<{ slug: string; members: string[] }> = [{ slug: 'qa', members: ['alice', 'bob'] }];

export class People {
  private readonly users = new Map<string, LabUser>();
  private readonly teams = new Map<string, LabTeam>();
  private nextUserId = 5_100_000;
  private nextTeamId = 7_300_000;

  constructor(readonly org: string) {}

  add(user: NewUser): LabUser {
    const key = user.login.toLowerCase();
    const existing = this.users.get(key);
    const added: LabUser = {
      login: user.login,
      id: existing?.id ?? this.nextUserId++,
      token: user.token ?? `lab-token-${user.login}`,
      role: user.role ?? 'write',
      grant: user.grant ?? DEFAULT_GRANT,
    };
    this.users.set(key, added);
    return added;
  }

  /** GitHub logins are case-insensitive. */
  get(login: string): LabUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  byToken(token: string): LabUser | undefined {
    for (const user of this.users.values()) if (user.token === token) return user;
    return undefined;
  }

  list(): LabUser[] {
    return [...this.users.values()];
  }

  /** The id a login answers with: the bot's, a known user's, or a stable one derived from the name. */
  idOf(login: string): number {
    if (login === BOT_LOGIN) return BOT_ID;
    return this.get(login)?.id ?? 6_000_000 + [...login].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 900_000, 7);
  }

  addTeam(slug: string, members: string[], org = this.org): LabTeam {
    const key = `${org}/${slug}`.toLowerCase();
    const team: LabTeam = {
      org,
      slug,
      id: this.teams.get(key)?.id ?? this.nextTeamId++,
      name: slug,
      members: [...members],
    };
    this.teams.set(key, team);
    return team;
  }

  team(org: string, slug: string): LabTeam | undefined {
    return this.teams.get(`${org}/${slug}`.toLowerCase());
  }

  teamById(id: number): LabTeam | undefined {
    return [...this.teams.values()].find((t) => t.id === id);
  }

  isMember(team: LabTeam, login: string): boolean {
    return team.members.some((m) => m.toLowerCase() === login.toLowerCase());
  }
}

/**
 * Who a request acts as, for the records it creates (a run's actor): a lab user for their own
 * token, else the worker's identity for its kind of credential (lab/github/actors.ts).
 */
export function callerActor(people: People, authKind: AuthKind, login: string | undefined): LabActor {
  const user = login === undefined ? undefined : people.get(login);
  return user ? { login: user.login, id: user.id, type: 'User' } : actorFor(authKind);
}
