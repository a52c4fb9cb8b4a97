// The access corpus: requests that must be refused by the running receiver (RECEIVER_AUTH=on) and
// assessor (ASSESSOR_AUTH=on), one entry per case with the exact request sent and the answer expected.
// Data only: built from the run's sensor-id prefixes and the tokens the suite created through the API;
// access.int.test.ts sends each case and checks the answer, that nothing was stored and that both
// services stay up. Cases whose bytes Node's own HTTP parser refuses (a NUL or a control character in
// a header, a header over 16 KiB) have `origin: 'node'`: a 4xx without JSON, or a closed connection.
import { hashToken } from '../../shared/src';
import type { Service } from '../bad-input/corpus';

export interface AccessCase {
  name: string;
  service: Service;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** bytes written on the socket as they are */
  raw?: Buffer;
  expected: 400 | 401 | 403 | '4xx';
  /** the field the error must name */
  field?: string;
  origin?: 'app' | 'node';
}

export interface AccessContext {
  /** a sensor id under the run's `bad` prefix (nothing may ever be stored for it) */
  bad(tag: string): string;
  /** a sensor the `gateway` token covers: it may post for it, so only the token makes a case bad */
  covered(tag: string): string;
  tokens: {
    /** sensor token for the covered sensors */
    gateway: string;
    /** sensor token of other sensors: another sensor's token */
    other: string;
    viewer: string;
    operator: string;
    admin: string;
    /** created, used once, then revoked */
    revoked: string;
  };
  /** a token name the corpus tries to create: it must never exist */
  intruder: string;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const compat = (sensorId: string) => `/api/v1/sensors/${sensorId}/measurements`;
const BATCH = '/api/v1/measurements';
const TOKENS = '/api/v1/tokens';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function buildAccessCorpus(ctx: AccessContext): AccessCase[] {
  const { bad, covered, tokens: t, intruder } = ctx;
  const cases: AccessCase[] = [];
  const post = (
    name: string,
    path: string,
    headers: Record<string, string>,
    body: unknown,
    expected: AccessCase['expected'],
    field = 'authorization',
  ) =>
    cases.push({
      name,
      service: 'receiver',
      method: 'POST',
      path,
      headers: { ...JSON_TYPE, ...headers },
      body: utf8(JSON.stringify(body)),
      expected,
      field,
    });
  const reading = { temperature: 21 };
  const mint = (
    name: string,
    headers: Record<string, string>,
    expected: AccessCase['expected'],
    field = 'authorization',
  ) =>
    cases.push({
      name,
      service: 'assessor',
      method: 'POST',
      path: TOKENS,
      headers: { ...JSON_TYPE, ...headers },
      body: utf8(JSON.stringify({ name: intruder, role: 'admin' })),
      expected,
      field,
    });
  const read = (
    name: string,
    path: string,
    headers: Record<string, string>,
    expected: AccessCase['expected'],
    field = 'authorization',
  ) => cases.push({ name, service: 'assessor', method: 'GET', path, headers, expected, field });
  const raw = (name: string, service: Service, head: string, body = '') =>
    cases.push({
      name,
      service,
      method: 'POST',
      path: '',
      headers: {},
      raw: Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body, 'utf8')]),
      expected: '4xx',
      origin: 'node',
    });

  // ---- receiver: no token ----
  post('receiver: no token (compat)', compat(bad('none')), {}, reading, 401);
  post('receiver: no token (batch)', BATCH, {}, [{ sensorId: bad('none-batch'), ...reading }], 401);
  post('receiver: empty Authorization header', compat(bad('empty')), { Authorization: '' }, reading, 401);

  // ---- receiver: malformed headers (each with a covered sensor: only the header is wrong) ----
  const malformed: Array<[string, string]> = [
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['another scheme (Basic)', `Basic ${Buffer.from('user:password').toString('base64')}`],
    ['another scheme with a good token', `Token ${t.gateway}`],
    ['a good token without a scheme', t.gateway],
    ['a good token and more words', `Bearer ${t.gateway} extra`],
    ['two good tokens, comma-separated', `Bearer ${t.gateway},${t.gateway}`],
    ['a good token in quotes', `Bearer "${t.gateway}"`],
    ['a tab for the space', `Bearer\t${t.gateway}`],
    ['a token of 21 characters', `Bearer ${'a'.repeat(21)}`],
    ['a token with a space inside', `Bearer ${t.gateway.slice(0, 20)} ${t.gateway.slice(20)}`],
    ['a token with Latin-1 bytes', `Bearer ${t.gateway}\u00e9\u00ff`],
    ['a token with percent escapes', `Bearer ${t.gateway}%00`],
    ['a good token cut short', `Bearer ${t.gateway.slice(0, -1)}`],
    ['a good token and a character more', `Bearer ${t.gateway}x`],
    ['a well-formed unknown token', `Bearer ${'Z'.repeat(43)}`],
    ['the stored hash of a good token', `Bearer ${hashToken(t.gateway)}`],
  ];
  for (const [what, header] of malformed) {
    post(`receiver: ${what}`, compat(covered(`malformed-${cases.length}`)), { Authorization: header }, reading, 401);
  }

  // ---- receiver: very long tokens ----
  for (const length of [513, 4096, 15_000]) {
    post(
      `receiver: a token of ${length} characters`,
      compat(covered(`long-${length}`)),
      bearer('A'.repeat(length)),
      reading,
      401,
    );
  }
  raw(
    'receiver: a token of 20,000 characters (over Node’s 16 KiB of headers)',
    'receiver',
    `POST ${compat(covered('long-20000'))} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${'A'.repeat(20_000)}\r\nContent-Length: 17\r\n\r\n`,
    '{"temperature":1}',
  );

  // ---- receiver: tokens with NULs and control characters (Node's parser refuses the header) ----
  for (const [what, token] of [
    ['a NUL inside a good token', `${t.gateway.slice(0, 10)}\u0000${t.gateway.slice(10)}`],
    ['a NUL after a good token', `${t.gateway}\u0000`],
    ['a NUL alone', '\u0000'],
    ['a control character (0x01)', `${t.gateway}\u0001`],
  ] as const) {
    raw(
      `receiver: ${what}`,
      'receiver',
      `POST ${compat(covered(`nul-${cases.length}`))} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: 17\r\n\r\n`,
      '{"temperature":1}',
    );
  }

  // ---- receiver: another sensor's token, a revoked token, tokens of other roles ----
  post("receiver: another sensor's token (compat)", compat(bad('other')), bearer(t.other), reading, 403, 'sensorId');
  post(
    "receiver: the gateway's token for a sensor it does not cover",
    compat(bad('uncovered')),
    bearer(t.gateway),
    reading,
    403,
    'sensorId',
  );
  post(
    "receiver: a batch with one sensor outside the token's patterns",
    BATCH,
    bearer(t.gateway),
    [
      { sensorId: covered('batch-in'), ...reading },
      { sensorId: bad('batch-out'), ...reading },
    ],
    403,
    'sensorId',
  );
  post('receiver: a revoked token', compat(covered('revoked')), bearer(t.revoked), reading, 401);
  post(
    'receiver: a revoked token (batch)',
    BATCH,
    bearer(t.revoked),
    [{ sensorId: covered('revoked-b'), ...reading }],
    401,
  );
  post('receiver: a viewer token on a write', compat(covered('viewer')), bearer(t.viewer), reading, 403);
  post('receiver: an operator token on a write', compat(covered('operator')), bearer(t.operator), reading, 403);
  post(
    'receiver: an admin token on a write',
    BATCH,
    bearer(t.admin),
    [{ sensorId: covered('admin'), ...reading }],
    403,
  );

  // ---- receiver: a token in the query string (refused even when it is a good one) ----
  post(
    'receiver: a good token as ?token=',
    `${compat(covered('query'))}?token=${t.gateway}`,
    {},
    reading,
    400,
    'token',
  );
  post(
    'receiver: a good token as ?access_token= (with the header too)',
    `${compat(covered('query2'))}?access_token=${t.gateway}`,
    bearer(t.gateway),
    reading,
    400,
    'access_token',
  );
  post(
    'receiver: a NUL token in the query string',
    `${BATCH}?token=%00`,
    bearer(t.gateway),
    [{ sensorId: covered('q3'), ...reading }],
    400,
    'token',
  );

  // ---- assessor: reads with ASSESSOR_AUTH=on ----
  read('assessor: a read without a token', '/api/v1/sensors', {}, 401);
  read('assessor: a read with an unknown token', '/api/v1/events', bearer('Q'.repeat(43)), 401);
  read(
    'assessor: a read with a malformed header',
    `/api/v1/sensors/${covered('r')}/events`,
    { Authorization: 'Bearer' },
    401,
  );
  read('assessor: a read with a revoked token', `/api/v1/sensors/${covered('r')}/measurements`, bearer(t.revoked), 401);
  read('assessor: a read with a sensor token', '/api/v1/sensors', bearer(t.gateway), 403);
  read('assessor: a read with a token of 8,000 characters', '/api/v1/sensors', bearer('B'.repeat(8000)), 401);
  read('assessor: a viewer token as ?token=', `/api/v1/sensors?token=${t.viewer}`, {}, 400, 'token');
  read(
    'assessor: an admin token as ?access_token=',
    `${TOKENS}?access_token=${t.admin}`,
    bearer(t.admin),
    400,
    'access_token',
  );
  read(
    'assessor: a NUL token in the query string',
    `/api/v1/events?token=%00${t.viewer}`,
    bearer(t.viewer),
    400,
    'token',
  );
  raw(
    'assessor: a NUL in the Authorization header',
    'assessor',
    `GET /api/v1/sensors HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${t.viewer}\u0000\r\n\r\n`,
  );

  // ---- assessor: the tokens API (admin only) ----
  mint('assessor: create a token without a token', {}, 401);
  mint('assessor: create a token with a viewer token', bearer(t.viewer), 403);
  mint('assessor: create a token with an operator token', bearer(t.operator), 403);
  mint('assessor: create a token with a sensor token', bearer(t.gateway), 403);
  mint('assessor: create a token with a revoked token', bearer(t.revoked), 401);
  mint('assessor: create a token with a token of 15,000 characters', bearer('C'.repeat(15_000)), 401);
  read('assessor: list the tokens with a viewer token', TOKENS, bearer(t.viewer), 403);
  read('assessor: list the tokens without a token', TOKENS, {}, 401);
  cases.push({
    name: 'assessor: revoke a token with an operator token',
    service: 'assessor',
    method: 'DELETE',
    path: `${TOKENS}/${intruder}`,
    headers: bearer(t.operator),
    expected: 403,
    field: 'authorization',
  });
  cases.push({
    name: 'assessor: create a token whose name holds a NUL',
    service: 'assessor',
    method: 'POST',
    path: TOKENS,
    headers: { ...JSON_TYPE, ...bearer(t.admin) },
    body: utf8(JSON.stringify({ name: `${intruder}\u0000`, role: 'viewer' })),
    expected: 400,
    field: 'name',
  });
  cases.push({
    name: 'assessor: create a token that brings its own secret',
    service: 'assessor',
    method: 'POST',
    path: TOKENS,
    headers: { ...JSON_TYPE, ...bearer(t.admin) },
    body: utf8(JSON.stringify({ name: intruder, role: 'admin', token: 'a'.repeat(43) })),
    expected: 400,
    field: 'token',
  });
  raw(
    'assessor: create a token with a NUL in the Authorization header',
    'assessor',
    `POST ${TOKENS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer \u0000${t.admin}\r\nContent-Length: 2\r\n\r\n`,
    '{}',
  );
  return cases;
}
