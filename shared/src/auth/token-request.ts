// What a new token may be: the body of POST /api/v1/tokens, and the CLI's arguments. Pure.
import type { FieldError } from '../http/app-error';
import { sensorPatternProblems } from './sensor-patterns';
import type { NewToken } from './token-store';
import { isRole, ROLES } from './tokens';

/** Token names: they show in lists and, later, as who acknowledged or cleared an alarm. */
export const TOKEN_NAME = /^[A-Za-z0-9._:-]{1,64}$/;
const FIELDS = new Set(['name', 'role', 'sensors']);

export type ParsedTokenRequest = { ok: true; token: NewToken } | { ok: false; errors: FieldError[] };

export function parseTokenRequest(body: unknown): ParsedTokenRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: 'body', message: 'must be an object {"name", "role", "sensors"?}' }] };
  }
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(b)
    .filter((k) => !FIELDS.has(k))
    .map((field) => ({ field, message: 'is not a field of a token (name, role, sensors)' }));
  if (typeof b.name !== 'string' || !TOKEN_NAME.test(b.name)) {
    errors.push({ field: 'name', message: 'must be 1-64 characters of A-Z a-z 0-9 . _ : -' });
  }
  if (!isRole(b.role)) errors.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
  if (b.role === 'sensor') {
    // no default: a sensor token that covered every sensor by omission would be easy to hand out by mistake
    errors.push(...sensorPatternProblems(b.sensors));
  } else if (b.sensors !== undefined && isRole(b.role)) {
    errors.push({ field: 'sensors', message: 'only sensor tokens have sensor patterns' });
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    token: { name: b.name as string, role: b.role as NewToken['role'], sensors: (b.sensors as string[]) ?? [] },
  };
}
