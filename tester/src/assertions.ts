// One-line assertion failures for the report: "<what>: expected <x>, got <y>".
import { isDeepStrictEqual } from 'node:util';
import type { HttpResponse } from './http-service';
import { describe } from './wait-for';

export function expectEqual<T>(actual: unknown, expected: T, what: string): asserts actual is T {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
  }
}

export function expectClose(actual: unknown, expected: number, what: string, epsilon = 1e-9): void {
  if (typeof actual !== 'number' || Math.abs(actual - expected) > epsilon) {
    throw new Error(`${what}: expected ${expected}, got ${describe(actual)}`);
  }
}

export function expectTrue(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The status, and that the body is JSON (never an HTML page). */
export function expectStatus(response: HttpResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected HTTP ${status}, got ${response.status} ${describe(response.json ?? response.text, 300)}`,
    );
  }
  if (!response.contentType.includes('json') || response.json === undefined) {
    throw new Error(
      `${what}: expected a JSON body, got ${response.contentType || 'no content type'} ${describe(response.text, 200)}`,
    );
  }
}
