// Verifies a GitHub App JWT (RS256) with node:crypto, with GitHub's error messages: those are
// what @octokit/auth-app matches to detect clock skew.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface AppJwtClaims {
  iss: string;
  iat: number;
  exp: number;
}

const decodePart = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;

export const looksLikeJwt = (value: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);

/** Returns the claims, or a GitHub-worded reason the token is refused. */
export function verifyAppJwt(
  token: string,
  publicKeyPem: string,
  appId: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): { ok: true; claims: AppJwtClaims } | { ok: false; message: string } {
  const undecodable = { ok: false as const, message: 'A JSON web token could not be decoded' };
  const [headerPart, payloadPart, signaturePart] = token.split('.');
  if (!headerPart || !payloadPart || !signaturePart) return undecodable;
  let header: unknown;
  let payload: unknown;
  try {
    header = decodePart(headerPart);
    payload = decodePart(payloadPart);
  } catch {
    return undecodable;
  }
  if ((header as { alg?: unknown }).alg !== 'RS256') return undecodable;
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    return undecodable;
  }
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!verify('RSA-SHA256', signed, key, Buffer.from(signaturePart, 'base64url'))) return undecodable;
  const { iss, iat, exp } = payload as { iss?: unknown; iat?: unknown; exp?: unknown };
  if (typeof iat !== 'number' || iat > nowSeconds + 60) {
    return {
      ok: false,
      message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    };
  }
  if (typeof exp !== 'number' || exp <= nowSeconds) {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    };
  }
  if (exp - iat > 600 + 60) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future." };
  if (String(iss) !== String(appId)) return { ok: false, message: 'Integration not found' };
  return { ok: true, claims: { iss: String(iss), iat, exp } };
}
