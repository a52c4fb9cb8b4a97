// Access tokens (README "Access"), the pure part: generating one, hashing it for storage and lookup,
// comparing hashes in constant time, reading it from an Authorization header, and the roles.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['sensor', 'viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do beyond itself: viewer < operator < admin (each may do what the one before may).
 * `sensor` stands apart: it may only post readings (and later logs) for its patterns, and read nothing.
 */
const INCLUDES: Readonly<Record<Role, readonly Role[]>> = {
  sensor: ['sensor'],
  viewer: ['viewer'],
  operator: ['operator', 'viewer'],
  admin: ['admin', 'operator', 'viewer'],
};

export function roleAllows(role: Role, needed: Role): boolean {
  return INCLUDES[role].includes(needed);
}

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/**
 * The characters a token may have: RFC 6750's b64token (so any Bearer token a client library sends
 * fits), at least 22 of them (128 bits of base64) and at most 512 (an upper bound keeps hashing a
 * hostile 8 KiB header cheap and the answer the same as for any other wrong token).
 */
export const TOKEN_SYNTAX = /^[A-Za-z0-9\-._~+/]{22,512}=*$/;

/** 32 random bytes (256 bits) as base64url: 43 characters, fit for a header, a URL and a shell. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The stored form of a token: its SHA-256, base64url. A plain hash is enough (no salt, no slow KDF)
 * because tokens are random with at least 128 bits: there is no dictionary to attack.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Two hashes compared in constant time (their lengths are public: both are SHA-256). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type BearerToken = { kind: 'none' } | { kind: 'malformed'; message: string } | { kind: 'token'; token: string };

/**
 * The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive (RFC 7235);
 * anything else (another scheme, no token, spaces or characters a token never has, a list of several
 * headers) is malformed. The message never repeats what was sent.
 */
export function parseBearer(header: string | string[] | undefined): BearerToken {
  if (header === undefined || header === '') return { kind: 'none' };
  if (Array.isArray(header)) return { kind: 'malformed', message: 'send a single Authorization header' };
  const match = /^([A-Za-z]+) +(\S*)\s*$/.exec(header);
  if (!match || match[1].toLowerCase() !== 'bearer') {
    return { kind: 'malformed', message: 'must be "Bearer <token>"' };
  }
  const token = match[2];
  if (!TOKEN_SYNTAX.test(token)) return { kind: 'malformed', message: 'is not a valid token' };
  return { kind: 'token', token };
}
