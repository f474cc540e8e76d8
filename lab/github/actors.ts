// Who the simulator says did what. A personal token acts as the user `bluegreen-bot`; a GitHub
// App's installation token acts as the app's bot user `bluegreen[bot]` (GitHub names an app's
// bot `<slug>[bot]`). Runs record who dispatched them (`actor`, `triggering_actor`), so a
// dispatch can refuse to adopt a run someone else started; `dispatchAs` lets a test be that
// someone else.
import type { AuthKind } from '../types.js';
import { user, type ShapeContext } from './shapes.js';

export interface LabActor {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export const TOKEN_USER: LabActor = { login: 'bluegreen-bot', id: 4_200_002, type: 'User' };
/** The lab app's slug is `bluegreen` (GET /app). */
export const APP_BOT: LabActor = { login: 'bluegreen[bot]', id: 4_200_100, type: 'Bot' };

export const actorFor = (authKind: AuthKind): LabActor => (authKind === 'installation' ? APP_BOT : TOKEN_USER);

/** A stranger with Actions write: ids from 4_300_000 on, stable per login. */
export function otherActor(login: string): LabActor {
  let hash = 0;
  for (const ch of login) hash = (hash * 31 + ch.charCodeAt(0)) % 90_000;
  return { login, id: 4_300_000 + hash, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

export const actorJson = (ctx: ShapeContext, actor: LabActor): Record<string, unknown> =>
  user(ctx, actor.login, actor.id, actor.type);

/** `GET /user`: the public-user shape (what a token without the `user` scope sees of itself). */
export function publicUserJson(ctx: ShapeContext, actor: LabActor, createdAt: string): Record<string, unknown> {
  return {
    ...actorJson(ctx, actor),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: createdAt,
    updated_at: createdAt,
  };
}
