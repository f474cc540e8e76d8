// Who GitHub records as the actor of what this client does, as an Octokit plugin: the token's
// user (`GET /user`), or for a GitHub App the app's bot user `<slug>[bot]` (`GET /app`, sent
// with the app's JWT by @octokit/auth-app). A dispatch adopts a found run only when its
// triggering actor is this login (activities/github-run-match.ts). Asked once per client and
// remembered; a failed look-up is asked again next time.
import type { Octokit, OctokitOptions } from '@octokit/core';
import { isRequestError } from './github-errors.js';

export interface IdentityOptions {
  /** How the client authenticates; decides which endpoint names it. @default 'token' */
  kind: 'token' | 'app';
}

declare module '@octokit/core/types' {
  interface OctokitOptions {
    /** How the client finds its own login (activities/octokit-identity.ts). */
    identity?: Partial<IdentityOptions>;
  }
}

export const IDENTITY_DEFAULTS: IdentityOptions = { kind: 'token' };

export interface IdentityApi {
  /**
   * The login runs dispatched by this client carry as `triggering_actor`; undefined when GitHub
   * will not say (an installation token passed as GITHUB_TOKEN answers `GET /user` with 403).
   */
  dispatcherLogin(): Promise<string | undefined>;
}

export function identityPlugin(octokit: Octokit, octokitOptions: OctokitOptions): IdentityApi {
  const { kind } = { ...IDENTITY_DEFAULTS, ...octokitOptions.identity };
  let known: Promise<string | undefined> | undefined;
  const lookUp = async (): Promise<string | undefined> => {
    if (kind === 'app') {
      const { data } = await octokit.request('GET /app');
      return data?.slug ? `${data.slug}[bot]` : undefined;
    }
    try {
      const { data } = await octokit.request('GET /user');
      return data.login;
    } catch (err) {
      // "Resource not accessible by integration": an installation token has no user.
      if (isRequestError(err) && err.status === 403) return undefined;
      throw err;
    }
  };
  return {
    dispatcherLogin() {
      known ??= lookUp().catch((err: unknown) => {
        known = undefined;
        throw err;
      });
      return known;
    },
  };
}
