// Who is calling: a static token (`token X` / `Bearer X`), a GitHub App JWT, or an
// installation token this simulator issued. Recorded per request so tests can check which
// kind of credential the worker really used.
import { randomBytes } from 'node:crypto';
import type { AuthKind } from '../types.js';
import { looksLikeJwt, verifyAppJwt } from './jwt.js';
import { BOT_LOGIN } from './people.js';

export interface AppAuthConfig {
  appId: number;
  installationId: number;
  publicKeyPem: string;
}

export interface Identity {
  kind: AuthKind;
  /** Who the accepted credential acts as: a lab user, or the bot for the worker's credentials. */
  login?: string;
  /** Why the credential was refused, in GitHub's words; absent when it was accepted. */
  refused?: string;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

const TOKEN_TTL_MS = 60 * 60 * 1000;

export class Authenticator {
  private readonly issued = new Map<string, number>();

  constructor(
    private readonly tokens: readonly string[],
    readonly app: AppAuthConfig | undefined,
    /** A person's own token → their login (lab/github/people.ts). */
    private readonly userOf: (token: string) => string | undefined = () => undefined,
  ) {}

  identify(authorization: string | undefined): Identity {
    if (!authorization) return { kind: 'none', refused: 'Requires authentication' };
    const match = /^(token|bearer)\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return { kind: 'invalid', refused: 'Bad credentials' };
    const scheme = match[1]!.toLowerCase();
    const credential = match[2]!;
    const kind = scheme === 'token' ? 'token' : 'bearer';
    if (this.tokens.includes(credential)) return { kind, login: BOT_LOGIN };
    const user = this.userOf(credential);
    if (user !== undefined) return { kind, login: user };
    const expiresAt = this.issued.get(credential);
    if (expiresAt !== undefined) {
      return expiresAt > Date.now()
        ? { kind: 'installation', login: BOT_LOGIN }
        : { kind: 'installation', refused: 'Bad credentials' };
    }
    if (scheme === 'bearer' && looksLikeJwt(credential)) {
      if (!this.app) return { kind: 'jwt', refused: 'A JSON web token could not be decoded' };
      const result = verifyAppJwt(credential, this.app.publicKeyPem, this.app.appId);
      return result.ok ? { kind: 'jwt' } : { kind: 'jwt', refused: result.message };
    }
    return { kind: 'invalid', refused: 'Bad credentials' };
  }

  issueInstallationToken(): IssuedToken {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAtMs = Date.now() + TOKEN_TTL_MS;
    this.issued.set(token, expiresAtMs);
    return { token, expiresAt: new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  /** Every installation token issued so far stops working (tests of re-authentication). */
  expireInstallationTokens(): void {
    for (const token of this.issued.keys()) this.issued.set(token, 0);
  }

  get issuedCount(): number {
    return this.issued.size;
  }
}
