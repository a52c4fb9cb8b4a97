// The bad-input corpus: malformed requests against the receiver and the assessor, one entry per case
// with the exact bytes sent and the answer expected. Data only: built from the run's sensor-id prefixes
// and the services' limits; bad-input.int.test.ts sends every case to the real services (child
// processes) and checks the answer, that both services still answer /health, and that nothing of it
// was published or stored.
//
// Rules every case is held to, whatever `expected` says: never a 5xx; a refusal written by the app is the
// contract's JSON error `{"result": false, "response": [{"field", "message"}, ...]}`, naming `field` when
// the case gives one. Cases whose answer is written by Node's own HTTP parser (malformed HTTP, header
// overflow) have `origin: 'node'`: any 4xx, or the connection closed, is acceptable there.
//
// A case marked `bug` reveals a defect of the services as they are: it is kept, and it fails, until the
// defect is fixed (then drop the mark).
import { gzipSync } from 'node:zlib';
import { iso } from '../../shared/src';

export type Service = 'receiver' | 'assessor';

/** The answer a case expects. Never a 5xx, whatever is expected. */
export type Expected =
  /** exactly this status */
  | number
  /** any client error */
  | '4xx'
  /** accepted: not a bad input after all (its sensor ids are then from the `ok` prefix) */
  | '2xx'
  /** accepting and refusing are both acceptable (its sensor ids are from the `ok` prefix) */
  | 'not-5xx';

export interface ExpectedReading {
  sensorId: string;
  metric: string;
  value: number;
}

export interface BadInputCase {
  name: string;
  service: Service;
  method: string;
  /** request target, exactly as sent (already percent-encoded where it must be) */
  path: string;
  headers: Record<string, string>;
  /** raw body bytes */
  body?: Buffer;
  /** 'content-length' (default when there is a body), 'chunked' (no Content-Length), or 'none' */
  framing?: 'content-length' | 'chunked' | 'none';
  /** bytes written on the socket as they are, instead of a request built from method/path/headers/body */
  raw?: Buffer;
  /** half-close the connection once the bytes are written (a request cut short) */
  endAfterWrite?: boolean;
  /** reset the connection once the bytes are written (a client that vanishes mid-request) */
  abortAfterWrite?: boolean;
  expected: Expected;
  /** 'app' (default): a refusal must be the contract's JSON error; 'node': Node's HTTP parser answers */
  origin?: 'app' | 'node';
  /** the field an error detail must name */
  field?: string;
  /** the batch index that detail must carry */
  index?: number;
  /** readings the case stores when it is accepted (2xx / not-5xx cases only): checked in PostgreSQL */
  stores?: ExpectedReading[];
  /** a known defect this case reveals; the case fails until it is fixed */
  bug?: string;
  /** the answer's body may not be larger (an error list must be bounded whatever the input) */
  maxAnswerBytes?: number;
}

export interface CorpusContext {
  /** a sensor id under the run's `bad` prefix: nothing may ever be stored for it */
  bad(tag: string): string;
  /** a sensor id under the run's `ok` prefix: for cases the receiver may accept */
  ok(tag: string): string;
  now: number;
  limits: {
    bodyLimitBytes: number;
    maxReadingsPerRequest: number;
    maxLimit: number;
    maxBuckets: number;
  };
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const BATCH = '/api/v1/measurements';
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const json = (value: unknown) => utf8(JSON.stringify(value));
const measurements = (sensorId: string) => `/api/v1/sensors/${sensorId}/measurements`;
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A POST of a JSON-typed body to the receiver. */
function post(
  name: string,
  path: string,
  body: Buffer | string,
  expected: Expected,
  more: Partial<BadInputCase> = {},
): BadInputCase {
  return {
    name,
    service: 'receiver',
    method: 'POST',
    path,
    headers: { ...JSON_TYPE },
    body: typeof body === 'string' ? utf8(body) : body,
    expected,
    ...more,
  };
}

/** A GET on the assessor. */
function get(name: string, path: string, expected: Expected, more: Partial<BadInputCase> = {}): BadInputCase {
  return { name, service: 'assessor', method: 'GET', path, headers: {}, expected, ...more };
}

/** Bytes on the wire as they are (malformed HTTP): Node's parser answers, or closes the connection. */
function raw(
  service: Service,
  name: string,
  bytes: Buffer | string,
  expected: Expected = '4xx',
  more: Partial<BadInputCase> = {},
): BadInputCase {
  const buffer = typeof bytes === 'string' ? latin1(bytes) : bytes;
  const firstLine = buffer.subarray(0, 200).toString('latin1').split('\r\n')[0].split(' ');
  return {
    name,
    service,
    method: firstLine[0] ?? '',
    path: firstLine[1] ?? '',
    headers: {},
    raw: buffer,
    expected,
    origin: 'node',
    ...more,
  };
}

export function buildCorpus(ctx: CorpusContext): BadInputCase[] {
  const { bad, ok, now, limits } = ctx;
  const m = (tag: string) => measurements(bad(tag));
  const cases: BadInputCase[] = [];
  const add = (...more: BadInputCase[]) => cases.push(...more);
  const padTo = (bytes: number, sensorId: string) => {
    const head = `{"temperature":1,"sensorId":"${sensorId}","pad":"`;
    return utf8(`${head}${'x'.repeat(bytes - head.length - 2)}"}`);
  };

  // ---- receiver: wrong types, where a finite number is due ----
  add(
    post('value is a string', m('type-string'), '{"temperature":"21.5"}', 400, { field: 'temperature' }),
    post('value is a boolean', m('type-bool'), '{"temperature":true}', 400, { field: 'temperature' }),
    post('value is null', m('type-null'), '{"temperature":null}', 400, { field: 'temperature' }),
    post('value is an object', m('type-object'), '{"temperature":{"value":21.5}}', 400, { field: 'temperature' }),
    post('value is an array', m('type-array'), '{"temperature":[21.5]}', 400, { field: 'temperature' }),
    post('value is the string "1e400"', m('type-string-exp'), '{"temperature":"1e400"}', 400, {
      field: 'temperature',
    }),
    post('one good and one bad metric: nothing stored', m('type-mixed'), '{"humidity":40,"temperature":"x"}', 400, {
      field: 'temperature',
    }),
    post('body is a JSON string', m('body-string'), '"temperature"', 400, { field: 'body' }),
    post('body is a JSON number', m('body-number'), '42', 400, { field: 'body' }),
    post('body is JSON null', m('body-null'), 'null', 400, { field: 'body' }),
    post('body is JSON true', m('body-true'), 'true', 400, { field: 'body' }),
    post('body is an array on the per-sensor endpoint', m('body-array'), '[{"temperature":1}]', 400, {
      field: 'body',
    }),
    post('body is an empty object', m('body-empty-object'), '{}', 400, { field: 'body' }),
    post('body is empty (Content-Length: 0)', m('body-empty'), '', 400, { field: 'body' }),
    post('body is whitespace only', m('body-whitespace'), ' \r\n\t ', 400, { field: 'body' }),
    post(
      'only reserved fields, no metric',
      m('only-reserved'),
      `{"at":"${iso(now)}","id":"x1","sensorUuid":"u"}`,
      400,
      {
        field: 'body',
      },
    ),
    post('client id with a space', m('id-space'), '{"temperature":1,"id":"a b"}', 400, { field: 'id' }),
    post('client id is a number', m('id-number'), '{"temperature":1,"id":5}', 400, { field: 'id' }),
    post('client id of 129 characters', m('id-long'), `{"temperature":1,"id":"${'i'.repeat(129)}"}`, 400, {
      field: 'id',
    }),
    post('client id with a lone surrogate escape', m('id-surrogate'), '{"temperature":1,"id":"\\ud800"}', 400, {
      field: 'id',
    }),
  );

  // ---- receiver: numbers JSON has not, and numbers JSON.parse makes infinite ----
  add(
    post('NaN literal', m('num-nan'), '{"temperature":NaN}', 400, { field: 'body' }),
    post('Infinity literal', m('num-inf'), '{"temperature":Infinity}', 400, { field: 'body' }),
    post('-Infinity literal', m('num-neg-inf'), '{"temperature":-Infinity}', 400, { field: 'body' }),
    post('1e400 (JSON.parse gives Infinity)', m('num-1e400'), '{"temperature":1e400}', 400, { field: 'temperature' }),
    post('-1e400 (JSON.parse gives -Infinity)', m('num-neg-1e400'), '{"temperature":-1e400}', 400, {
      field: 'temperature',
    }),
    post('2e308, just past the largest double', m('num-2e308'), '{"temperature":2e308}', 400, {
      field: 'temperature',
    }),
    post('1E+400 (upper-case exponent)', m('num-1E-plus-400'), '{"temperature":1E+400}', 400, { field: 'temperature' }),
    post('exponent of 20 digits', m('num-exp-20'), '{"temperature":1e99999999999999999999}', 400, {
      field: 'temperature',
    }),
    post('400-digit integer', m('num-400-digits'), `{"temperature":${'9'.repeat(400)}}`, 400, {
      field: 'temperature',
    }),
    post('500 000-digit integer', m('num-500k-digits'), `{"temperature":${'1'.repeat(500_000)}}`, 400, {
      field: 'temperature',
    }),
    post('hexadecimal literal', m('num-hex'), '{"temperature":0x10}', 400, { field: 'body' }),
    post('leading zeros', m('num-leading-zeros'), '{"temperature":007}', 400, { field: 'body' }),
    post('leading plus sign', m('num-plus'), '{"temperature":+1}', 400, { field: 'body' }),
    post('leading decimal point', m('num-dot'), '{"temperature":.5}', 400, { field: 'body' }),
    post('trailing decimal point', m('num-trailing-dot'), '{"temperature":5.}', 400, { field: 'body' }),
  );

  // ---- receiver: JSON syntax ----
  add(
    post('trailing comma', m('syntax-trailing-comma'), '{"temperature":1,}', 400, { field: 'body' }),
    post('single quotes', m('syntax-single-quotes'), "{'temperature':1}", 400, { field: 'body' }),
    post('unquoted key', m('syntax-unquoted'), '{temperature:1}', 400, { field: 'body' }),
    post('comment', m('syntax-comment'), '{"temperature":1 /* c */}', 400, { field: 'body' }),
    post('truncated', m('syntax-truncated'), '{"temperature":', 400, { field: 'body' }),
    post('trailing garbage', m('syntax-trailing'), '{"temperature":1}xyz', 400, { field: 'body' }),
    post('two JSON texts', m('syntax-two'), '{"temperature":1}{"humidity":2}', 400, { field: 'body' }),
    post('raw control character in a string', m('syntax-control'), '{"temperature":1,"note":"a\u0001b"}', 400, {
      field: 'body',
    }),
  );

  // ---- receiver: deep nesting (100 000 levels) ----
  const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  add(
    post('100 000 nested arrays as the body', m('deep-array'), deepArray, 400, { field: 'body' }),
    post(
      '100 000 nested objects {"a":{"a":...}}',
      m('deep-object'),
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      400,
      { field: 'a' },
    ),
    post('100 000 nested arrays as a metric value', m('deep-value'), `{"temperature":${deepArray}}`, 400, {
      field: 'temperature',
    }),
    post('100 000 nested arrays as a batch', BATCH, deepArray, 400, { field: 'body', index: 0 }),
    post('900 000 unclosed brackets', m('deep-unclosed'), '['.repeat(900_000), 400, { field: 'body' }),
  );

  // ---- receiver: sizes ----
  const overLimit = limits.bodyLimitBytes + 1;
  add(
    post('body one byte over the limit, with Content-Length', m('size-cl'), padTo(overLimit, bad('size-cl')), 413, {
      field: 'body',
    }),
    post('body one byte over the limit, chunked', m('size-chunked'), padTo(overLimit, bad('size-chunked')), 413, {
      field: 'body',
      framing: 'chunked',
    }),
    post('body 3x the limit, chunked', m('size-3x'), padTo(3 * limits.bodyLimitBytes, bad('size-3x')), 413, {
      field: 'body',
      framing: 'chunked',
    }),
    post(
      'gzip bomb: 2 KB that inflates past the limit',
      m('size-gzip-bomb'),
      gzipSync(padTo(4 * limits.bodyLimitBytes, bad('size-gzip-bomb'))),
      413,
      { field: 'body', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' } },
    ),
    post(
      '101 metrics in one body',
      m('size-101-metrics'),
      json(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, i]))),
      400,
      { field: 'body' },
    ),
    post(
      '60 000 keys in one body',
      m('size-60k-keys'),
      json(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1]))),
      400,
      { field: 'body' },
    ),
    post(
      `batch of ${limits.maxReadingsPerRequest + 1} items`,
      BATCH,
      json(
        Array.from({ length: limits.maxReadingsPerRequest + 1 }, (_, i) => ({
          sensorId: bad(`size-batch-${i % 10}`),
          temperature: i,
        })),
      ),
      400,
      { field: 'body' },
    ),
    post(
      `batch of 100 items x 51 metrics (more than ${limits.maxReadingsPerRequest} readings)`,
      BATCH,
      json(
        Array.from({ length: 100 }, () => ({
          sensorId: bad('size-batch-readings'),
          ...Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`m${i}`, i])),
        })),
      ),
      400,
      { field: 'body' },
    ),
    post(
      'batch of 5000 items with 20 bad metric names each (105 000 errors: the first 100 listed)',
      BATCH,
      json(
        Array.from({ length: 5000 }, () =>
          Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`M${i}`, 0] as [string, unknown])),
        ),
      ),
      400,
      { field: 'sensorId', index: 0, maxAnswerBytes: 64 * 1024 },
    ),
  );

  // ---- receiver: encodings ----
  const body16 = '{"temperature":1}';
  add(
    post(
      'invalid UTF-8 byte 0xFF in a key',
      m('enc-ff'),
      Buffer.concat([utf8('{"temperature":1,"n'), Buffer.from([0xff]), utf8('":1}')]),
      400,
      { field: 'body' },
    ),
    post(
      'lone UTF-8 continuation byte in a string',
      m('enc-continuation'),
      Buffer.concat([utf8('{"temperature":1,"note":"'), Buffer.from([0x80]), utf8('"}')]),
      400,
      { field: 'body' },
    ),
    post(
      'overlong UTF-8 (0xC0 0xAF for "/")',
      m('enc-overlong-2'),
      Buffer.concat([utf8('{"temperature":1,"'), Buffer.from([0xc0, 0xaf]), utf8('":1}')]),
      400,
      { field: 'body' },
    ),
    post(
      'overlong UTF-8, three bytes (0xE0 0x80 0xAF)',
      m('enc-overlong-3'),
      Buffer.concat([utf8('{"temperature":1,"'), Buffer.from([0xe0, 0x80, 0xaf]), utf8('":1}')]),
      400,
      { field: 'body' },
    ),
    post(
      'UTF-8-encoded surrogate (CESU-8, 0xED 0xA0 0x80)',
      m('enc-surrogate'),
      Buffer.concat([utf8('{"temperature":1,"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('":1}')]),
      400,
      { field: 'body' },
    ),
    post(
      'truncated UTF-8 sequence at the end',
      m('enc-truncated'),
      Buffer.from([...utf8('{"t":1,"'), 0xe2, 0x82]),
      400,
      {
        field: 'body',
      },
    ),
    post(
      'UTF-16LE with BOM, charset=utf-16',
      m('enc-utf16-bom-charset'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body16, 'utf16le')]),
      415,
      { field: 'content-type', headers: { 'Content-Type': 'application/json; charset=utf-16' } },
    ),
    post(
      'UTF-16LE with BOM, no charset',
      m('enc-utf16-bom'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body16, 'utf16le')]),
      400,
      { field: 'body' },
    ),
    post(
      'UTF-16BE with BOM, no charset',
      m('enc-utf16be-bom'),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(body16, 'utf16le').swap16()]),
      400,
      { field: 'body' },
    ),
    post('UTF-16LE without BOM, no charset', m('enc-utf16-plain'), Buffer.from(body16, 'utf16le'), 400, {
      field: 'body',
    }),
    post('UTF-16LE without BOM, charset=utf-16le', m('enc-utf16le-charset'), Buffer.from(body16, 'utf16le'), '4xx', {
      headers: { 'Content-Type': 'application/json; charset=utf-16le' },
    }),
    post('charset=utf-7', m('enc-utf7'), body16, '4xx', {
      headers: { 'Content-Type': 'application/json; charset=utf-7' },
    }),
    post('charset=latin1', m('enc-latin1'), body16, 415, {
      field: 'content-type',
      headers: { 'Content-Type': 'application/json; charset=latin1' },
    }),
    post('charset=utf-foo (unknown)', m('enc-utf-foo'), body16, 415, {
      field: 'content-type',
      headers: { 'Content-Type': 'application/json; charset=utf-foo' },
    }),
    post(
      'UTF-8 BOM before the JSON (RFC 8259 lets a parser ignore it)',
      measurements(ok('enc-utf8-bom')),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"temperature":6}')]),
      'not-5xx',
      { stores: [{ sensorId: ok('enc-utf8-bom'), metric: 'temperature', value: 6 }] },
    ),
    post('NUL escape in a metric name', m('enc-nul-key'), '{"temp\\u0000":1}', 400, { field: 'temp?' }),
    post('lone surrogate escape in a metric name', m('enc-surrogate-key'), '{"t\\ud800":1}', 400, { field: 't?' }),
  );

  // ---- receiver: content type and content encoding ----
  add(
    post('Content-Type: text/plain', m('ct-text'), body16, 415, {
      field: 'content-type',
      headers: { 'Content-Type': 'text/plain' },
    }),
    post('Content-Type: application/x-www-form-urlencoded', m('ct-form'), 'temperature=1', 415, {
      field: 'content-type',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
    post('Content-Type: multipart/form-data', m('ct-multipart'), '--b\r\n\r\n{"temperature":1}\r\n--b--', 415, {
      field: 'content-type',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
    }),
    post('Content-Type: application/xml', m('ct-xml'), '<temperature>1</temperature>', 415, {
      field: 'content-type',
      headers: { 'Content-Type': 'application/xml' },
    }),
    post('no Content-Type, JSON body', m('ct-missing'), body16, 415, { field: 'content-type', headers: {} }),
    post('no Content-Type, no body', m('ct-missing-empty'), '', 415, { field: 'content-type', headers: {} }),
    post('Content-Type: garbage', m('ct-garbage'), body16, 415, {
      field: 'content-type',
      headers: { 'Content-Type': '\\\\//;;==' },
    }),
    post('Content-Type: a list of two types', m('ct-list'), body16, '4xx', {
      headers: { 'Content-Type': 'application/json, text/plain' },
    }),
    post(
      'Content-Type: application/json with empty parameters',
      measurements(ok('ct-empty-params')),
      body16,
      'not-5xx',
      {
        headers: { 'Content-Type': 'application/json;;; charset=' },
        stores: [{ sensorId: ok('ct-empty-params'), metric: 'temperature', value: 1 }],
      },
    ),
    post('Content-Encoding: gzip, body is garbage', m('ce-gzip-garbage'), 'definitely not gzip', 400, {
      field: 'body',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
    }),
    post('Content-Encoding: deflate, body is garbage', m('ce-deflate-garbage'), 'definitely not deflate', 400, {
      field: 'body',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'deflate' },
    }),
    post('Content-Encoding: br, body is garbage', m('ce-br-garbage'), 'definitely not brotli', 400, {
      field: 'body',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'br' },
    }),
    post(
      'Content-Encoding: gzip, truncated stream',
      m('ce-gzip-truncated'),
      gzipSync(utf8(`{"temperature":1,"pad":"${'p'.repeat(2000)}"}`)).subarray(0, 40),
      400,
      { field: 'body', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' } },
    ),
    post('Content-Encoding: gzip of invalid JSON', m('ce-gzip-bad-json'), gzipSync(utf8('{"temperature":')), 400, {
      field: 'body',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
    }),
    post('Content-Encoding: compress (unsupported)', m('ce-compress'), body16, 415, {
      field: 'content-encoding',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'compress' },
    }),
    post('Content-Encoding: gzip, gzip (stacked)', m('ce-stacked'), gzipSync(gzipSync(utf8(body16))), 415, {
      field: 'content-encoding',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip, gzip' },
    }),
  );

  // ---- receiver: sensor ids in the path ----
  const idCase = (name: string, id: string, expected: Expected = 400, more: Partial<BadInputCase> = {}) =>
    post(`sensor id ${name}`, measurements(id), body16, expected, { field: 'sensorId', ...more });
  add(
    idCase('of 129 characters', `${bad('id129')}${'x'.repeat(129 - bad('id129').length)}`),
    idCase('of 10 000 characters (URL under Node’s header limit)', `${bad('id10k')}${'x'.repeat(10_000)}`),
    idCase('with an encoded space', `${bad('id-space')}%20x`),
    idCase('with a plus sign', `${bad('id-plus')}+x`),
    idCase('in unicode (é)', `${bad('id-unicode')}%C3%A9`),
    idCase('with an emoji', `${bad('id-emoji')}%F0%9F%98%80`),
    idCase('with %00', `${bad('id-nul')}%00`),
    idCase('with CR LF (header injection)', `${bad('id-crlf')}%0D%0ASet-Cookie:%20x=1`),
    idCase('with an encoded slash (%2F)', `${bad('id-slash')}%2Fx`),
    idCase('..%2F.. (traversal, decoded)', `..%2F..%2F${bad('id-traversal')}`),
    idCase("' OR 1=1 -- (SQL injection)", `${bad('id-sqli')}'%20OR%201=1%20--`),
    idCase('1; DROP TABLE readings (SQL injection)', `${bad('id-drop')};%20DROP%20TABLE%20readings`),
    idCase('with broken percent-encoding %E0%A4%A', `${bad('id-pct')}%E0%A4%A`, 400, { field: 'path' }),
    idCase('with a lone %', `${bad('id-pct-lone')}%`, 400, { field: 'path' }),
    idCase('with %ZZ', `${bad('id-pct-zz')}%ZZ`, 400, { field: 'path' }),
    idCase('with overlong UTF-8 %C0%AF', `${bad('id-overlong')}%C0%AF`, 400, { field: 'path' }),
    post('sensor id empty (//measurements)', '/api/v1/sensors//measurements', body16, 404, { field: 'path' }),
    post('.. segment after the id (unknown route)', `/api/v1/sensors/${bad('dotdot')}/../measurements`, body16, 404, {
      field: 'path',
    }),
  );

  // ---- receiver: metric names ----
  let metricCount = 0;
  const metricCase = (name: string, key: string, field: string, value = '1') =>
    post(`metric name ${name}`, m(`metric-${++metricCount}`), `{${JSON.stringify(key)}:${value}}`, 400, { field });
  add(
    metricCase('upper-case', 'Temperature', 'Temperature'),
    metricCase('in unicode', 'température', 'temp?rature'),
    metricCase('of 65 characters', 'a'.repeat(65), 'a'.repeat(65)),
    metricCase('of 1000 characters', 'A'.repeat(1000), `${'A'.repeat(77)}...`),
    metricCase('empty ""', '', ''),
    metricCase('starting with a digit', '1abc', '1abc'),
    metricCase('starting with _', '_x', '_x'),
    metricCase('with a hyphen', 'a-b', 'a-b'),
    metricCase('with a dot', 'a.b', 'a.b'),
    metricCase('with a space', 'a b', 'a b'),
    metricCase('toString', 'toString', 'toString'),
    metricCase('__proto__ with a number', '__proto__', '__proto__'),
    post(
      'metric __proto__ = {"polluted": 1} (prototype pollution)',
      m('proto-polluted'),
      '{"__proto__":{"polluted":1}}',
      400,
      {
        field: '__proto__',
      },
    ),
    post(
      'metric __proto__ = {"at", "sensorId", "id"} next to a good metric',
      m('proto-at'),
      '{"__proto__":{"at":"garbage","sensorId":"polluted","id":"!"},"temperature":1}',
      400,
      { field: '__proto__' },
    ),
    post(
      'constructor.prototype.at (prototype pollution)',
      m('proto-constructor'),
      '{"constructor":{"prototype":{"at":"garbage","sensorId":"polluted"}}}',
      400,
      { field: 'constructor' },
    ),
    post(
      'batch item with __proto__.sensorId',
      BATCH,
      `[{"temperature":1,"__proto__":{"sensorId":"${bad('proto-batch')}"}}]`,
      400,
      { field: 'sensorId', index: 0 },
    ),
    // after the pollution attempts: an object literal still has no `at`, no `sensorId`
    post(
      'after them, a body without `at` is still stamped now',
      measurements(ok('after-proto')),
      '{"temperature":21.5}',
      '2xx',
      {
        stores: [{ sensorId: ok('after-proto'), metric: 'temperature', value: 21.5 }],
      },
    ),
    post('after them, a batch item without sensorId is still refused', BATCH, '[{"temperature":1}]', 400, {
      field: 'sensorId',
      index: 0,
    }),
    post('metric "constructor" (a valid name)', measurements(ok('constructor')), '{"constructor":1}', '2xx', {
      stores: [{ sensorId: ok('constructor'), metric: 'constructor', value: 1 }],
    }),
    post('metric "prototype" (a valid name)', measurements(ok('prototype')), '{"prototype":2}', '2xx', {
      stores: [{ sensorId: ok('prototype'), metric: 'prototype', value: 2 }],
    }),
    post(
      'metrics "hasownproperty", "valueof", "tostring" (valid names)',
      measurements(ok('object-methods')),
      '{"hasownproperty":3,"valueof":4,"tostring":5}',
      '2xx',
      {
        stores: [
          { sensorId: ok('object-methods'), metric: 'hasownproperty', value: 3 },
          { sensorId: ok('object-methods'), metric: 'valueof', value: 4 },
          { sensorId: ok('object-methods'), metric: 'tostring', value: 5 },
        ],
      },
    ),
  );

  // ---- receiver: dates ----
  let atCount = 0;
  const atCase = (name: string, at: string) =>
    post(`at ${name}`, m(`at-${++atCount}`), `{"temperature":1,"at":${at}}`, 400, { field: 'at' });
  add(
    atCase('far in the future (9999-12-31)', '"9999-12-31T23:59:59Z"'),
    atCase('two days ahead', JSON.stringify(iso(now + 2 * 86_400_000))),
    atCase('two days ahead, epoch ms', String(now + 2 * 86_400_000)),
    atCase('at the epoch (1970)', '"1970-01-01T00:00:00Z"'),
    atCase('a millisecond before 2000', '"1999-12-31T23:59:59.999Z"'),
    atCase('in year 1', '"0001-01-01T00:00:00Z"'),
    atCase('with an expanded year (+275760)', '"+275760-09-13T00:00:00Z"'),
    atCase('malformed ("yesterday")', '"yesterday"'),
    atCase('on February 30', '"2026-02-30T00:00:00Z"'),
    atCase('in month 13', '"2026-13-01T00:00:00Z"'),
    atCase('at hour 24', '"2026-11-22T24:00:00Z"'),
    atCase('with second 60', '"2026-11-22T10:00:60Z"'),
    atCase('without an offset', '"2026-11-22T10:00:00"'),
    atCase('date only', '"2026-11-22"'),
    atCase('with offset +99:99', '"2026-11-22T10:00:00+99:99"'),
    atCase('as a numeric string', JSON.stringify(String(now))),
    atCase('as a negative epoch', '-1'),
    atCase('as a fractional epoch', `${now}.5`),
    atCase('in epoch seconds (lands in 1970)', String(Math.floor(now / 1000))),
    atCase('as 1e400', '1e400'),
    atCase('as 2^53 + 1', '9007199254740993'),
    atCase('beyond the Date range (8.64e15 + 1)', '8640000000000001'),
    atCase('true', 'true'),
    atCase('null', 'null'),
    atCase('an object', '{"ms":1}'),
    atCase('an array', `[${now}]`),
    atCase('empty string', '""'),
  );

  // ---- receiver: batches ----
  const item = (tag: string, extra: Record<string, unknown> = {}) => ({
    sensorId: bad(tag),
    temperature: 20,
    ...extra,
  });
  add(
    post('batch is an object', BATCH, json(item('batch-object')), 400, { field: 'body' }),
    post('batch is empty', BATCH, '[]', 400, { field: 'body' }),
    post('batch is a string', BATCH, '"[]"', 400, { field: 'body' }),
    post('batch item null', BATCH, '[null]', 400, { field: 'body', index: 0 }),
    post('batch item a string', BATCH, '["x"]', 400, { field: 'body', index: 0 }),
    post('batch item an array', BATCH, json([[item('batch-nested')]]), 400, { field: 'body', index: 0 }),
    post('batch item without sensorId', BATCH, '[{"temperature":1}]', 400, { field: 'sensorId', index: 0 }),
    post('batch item with sensorId null', BATCH, '[{"sensorId":null,"temperature":1}]', 400, {
      field: 'sensorId',
      index: 0,
    }),
    post('batch item with sensorId a number', BATCH, '[{"sensorId":42,"temperature":1}]', 400, {
      field: 'sensorId',
      index: 0,
    }),
    post(
      'batch item with a bad sensorId',
      BATCH,
      json([item('batch-ok-1'), { sensorId: 'a b', temperature: 1 }]),
      400,
      {
        field: 'sensorId',
        index: 1,
      },
    ),
    post(
      'batch: valid item then invalid item (all or nothing)',
      BATCH,
      json([item('batch-mixed-valid'), item('batch-mixed-invalid', { temperature: 'hot' })]),
      400,
      { field: 'temperature', index: 1 },
    ),
    post(
      'batch: 100 valid items then one invalid (all or nothing)',
      BATCH,
      json([...Array.from({ length: 100 }, (_, i) => item(`batch-100-${i}`)), item('batch-100-bad', { at: 'soon' })]),
      400,
      { field: 'at', index: 100 },
    ),
    post(
      'batch: sensorId given twice, the last one invalid',
      BATCH,
      `[{"sensorId":"${bad('batch-dup')}","temperature":1,"sensorId":"a b"}]`,
      400,
      { field: 'sensorId', index: 0 },
    ),
  );

  // ---- receiver: duplicated keys (JSON.parse keeps the last) ----
  add(
    post('duplicated metric, the last value invalid', m('dup-metric'), '{"temperature":1,"temperature":"x"}', 400, {
      field: 'temperature',
    }),
    post(
      'duplicated at, the last one invalid',
      m('dup-at'),
      `{"temperature":1,"at":"${iso(now)}","at":"garbage"}`,
      400,
      {
        field: 'at',
      },
    ),
    post(
      'duplicated metric, the last value valid (the last one wins)',
      measurements(ok('dup-last-valid')),
      '{"temperature":"x","temperature":7}',
      'not-5xx',
      { stores: [{ sensorId: ok('dup-last-valid'), metric: 'temperature', value: 7 }] },
    ),
  );

  // ---- receiver: routes and methods ----
  const method = (
    verb: string,
    label: string,
    path: string,
    expected: Expected = 404,
    more: Partial<BadInputCase> = {},
  ): BadInputCase => ({
    name: `${verb} ${label}`,
    service: 'receiver' as const,
    method: verb,
    path,
    headers: {},
    expected,
    field: 'path',
    ...more,
  });
  const sensorPath = m('methods');
  add(
    method('GET', '/api/v1/sensors/{id}/measurements', sensorPath),
    method('PUT', '/api/v1/sensors/{id}/measurements', sensorPath, 404, {
      headers: { ...JSON_TYPE },
      body: utf8(body16),
    }),
    method('PATCH', '/api/v1/sensors/{id}/measurements', sensorPath, 404, {
      headers: { ...JSON_TYPE },
      body: utf8(body16),
    }),
    method('DELETE', '/api/v1/sensors/{id}/measurements', sensorPath),
    method('TRACE', '/api/v1/sensors/{id}/measurements', sensorPath),
    method('HEAD', '/api/v1/sensors/{id}/measurements', sensorPath, 'not-5xx', { field: undefined }),
    method('OPTIONS', '/api/v1/sensors/{id}/measurements', sensorPath, 'not-5xx', { field: undefined }),
    method('OPTIONS', BATCH, BATCH, 'not-5xx', { field: undefined }),
    method('GET', BATCH, BATCH),
    method('POST', '/', '/', 404, { headers: { ...JSON_TYPE }, body: utf8(body16) }),
    method('POST', '/health', '/health', 404, { headers: { ...JSON_TYPE }, body: utf8(body16) }),
    method('POST', '/api/v1/sensors/{id}', `/api/v1/sensors/${bad('route')}`, 404, {
      headers: { ...JSON_TYPE },
      body: utf8(body16),
    }),
    method('POST', '/api/v2/sensors/{id}/measurements', `/api/v2/sensors/${bad('route')}/measurements`, 404, {
      headers: { ...JSON_TYPE },
      body: utf8(body16),
    }),
    method('POST', '/api/v1/sensors/{id}/measurements/extra', `${m('route')}/extra`, 404, {
      headers: { ...JSON_TYPE },
      body: utf8(body16),
    }),
  );

  // ---- receiver: URLs and headers past Node's limits (Node answers 431 itself) ----
  add(
    raw(
      'receiver',
      'URL of 100 KB (Node: 431)',
      `POST ${m('url100k')}${'x'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n${body16}`,
      431,
    ),
    raw(
      'receiver',
      'a header of 20 KB (Node: 431)',
      `POST ${m('header20k')} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n${body16}`,
      431,
    ),
  );

  // ---- assessor ----
  const sensor = bad('assessor');
  const events = `/api/v1/sensors/${sensor}/events`;
  const stats = (query: string) => `/api/v1/sensors/${sensor}/statistics?${query}`;
  const eventCursor = (atUs: string) => base64url(JSON.stringify(['e', atUs, 'x']));
  add(
    get('events: from malformed', `${events}?from=yesterday`, 400, { field: 'from' }),
    get('events: to on February 30', `${events}?to=2026-02-30T00:00:00Z`, 400, { field: 'to' }),
    get('events: from negative epoch', `${events}?from=-1`, 400, { field: 'from' }),
    get('events: from of 16 digits', `${events}?from=1234567890123456`, 400, { field: 'from' }),
    get('events: from past year 9999', `${events}?from=999999999999999`, 400, { field: 'from' }),
    get('events: from with broken percent-encoding', `${events}?from=%E0%A4%A`, 400, { field: 'from' }),
    get('events: from > to', `${events}?from=2026-11-22T10:00:00Z&to=2026-11-21T10:00:00Z`, 400, { field: 'to' }),
    get('events: from = to', `${events}?from=2026-11-22T10:00:00Z&to=2026-11-22T10:00:00Z`, 400, { field: 'to' }),
    get('events: limit=0', `${events}?limit=0`, 400, { field: 'limit' }),
    get('events: limit=-1', `${events}?limit=-1`, 400, { field: 'limit' }),
    get(`events: limit=${limits.maxLimit + 1}`, `${events}?limit=${limits.maxLimit + 1}`, 400, { field: 'limit' }),
    get('events: limit=99999999999999999999', `${events}?limit=99999999999999999999`, 400, { field: 'limit' }),
    get('events: limit=abc', `${events}?limit=abc`, 400, { field: 'limit' }),
    get('events: limit=1.5', `${events}?limit=1.5`, 400, { field: 'limit' }),
    get('events: limit=1e3', `${events}?limit=1e3`, 400, { field: 'limit' }),
    get('events: limit= (empty)', `${events}?limit=`, 400, { field: 'limit' }),
    get('events: limit=%00', `${events}?limit=%00`, 400, { field: 'limit' }),
    get('events: limit=1&limit=2', `${events}?limit=1&limit=2`, 400, { field: 'limit' }),
    get('events: limit[]=1', `${events}?limit[]=1`, 400, { field: 'limit[]' }),
    get('events: unknown parameter', `${events}?foo=bar`, 400, { field: 'foo' }),
    get('events: __proto__ and constructor parameters', `${events}?__proto__=1&constructor=2`, 400, {
      field: '__proto__',
    }),
    get('events: polluted parameter', `${events}?polluted=1`, 400, { field: 'polluted' }),
    get('events: type lower-case', `${events}?type=temperature_exceeded`, 400, { field: 'type' }),
    get("events: type ' OR 1=1 --", `${events}?type=%27%20OR%201%3D1%20--`, 400, { field: 'type' }),
    get('events: type 1; DROP TABLE readings', `${events}?type=1%3B%20DROP%20TABLE%20readings`, 400, { field: 'type' }),
    get('events: cursor of random base64', `${events}?cursor=${Buffer.from('random bytes!').toString('base64')}`, 400, {
      field: 'cursor',
    }),
    get('events: cursor truncated', `${events}?cursor=${eventCursor('1795443543581000').slice(0, 20)}`, 400, {
      field: 'cursor',
    }),
    get('events: cursor not base64', `${events}?cursor=!!!`, 400, { field: 'cursor' }),
    get('events: cursor of 3000 characters', `${events}?cursor=${'A'.repeat(3000)}`, 400, { field: 'cursor' }),
    get('events: cursor of another list (sensors)', `${events}?cursor=${base64url('["s","x"]')}`, 400, {
      field: 'cursor',
    }),
    get('events: cursor given twice', `${events}?cursor=a&cursor=b`, 400, { field: 'cursor' }),
    get('events: forged cursor, time far in the past', `${events}?cursor=${eventCursor('-999999999999999999')}`, 400, {
      field: 'cursor',
    }),
    get(
      'events (all sensors): forged cursor, time far in the past',
      `/api/v1/events?cursor=${eventCursor('-999999999999999999')}`,
      400,
      {
        field: 'cursor',
      },
    ),
    get(
      'readings: forged cursor, time far in the past',
      `/api/v1/sensors/${sensor}/readings?cursor=${base64url(JSON.stringify(['r', '-999999999999999999', 'x']))}`,
      400,
      { field: 'cursor' },
    ),
    get(
      'events: forged cursor, time far in the future',
      `${events}?cursor=${eventCursor('999999999999999999')}`,
      'not-5xx',
    ),
    get('events (all sensors): sensorId with a space', '/api/v1/events?sensorId=a%20b', 400, { field: 'sensorId' }),
    get("events (all sensors): sensorId ' OR 1=1 --", '/api/v1/events?sensorId=%27%20OR%201%3D1%20--', 400, {
      field: 'sensorId',
    }),
    get('events (all sensors): sensorId given twice', '/api/v1/events?sensorId=a&sensorId=b', 400, {
      field: 'sensorId',
    }),
    get('measurements: metric upper-case', `/api/v1/sensors/${sensor}/measurements?metric=Temperature`, 400, {
      field: 'metric',
    }),
    get('measurements: metric empty', `/api/v1/sensors/${sensor}/measurements?metric=`, 400, { field: 'metric' }),
    get(
      'measurements: metric of 65 characters',
      `/api/v1/sensors/${sensor}/measurements?metric=${'a'.repeat(65)}`,
      400,
      {
        field: 'metric',
      },
    ),
    get(
      "measurements: metric ' OR 1=1 --",
      `/api/v1/sensors/${sensor}/measurements?metric=%27%20OR%201%3D1%20--`,
      400,
      {
        field: 'metric',
      },
    ),
    get('measurements: unknown parameter', `/api/v1/sensors/${sensor}/measurements?from=0`, 400, { field: 'from' }),
    get('statistics: no parameters', `/api/v1/sensors/${sensor}/statistics`, 400, { field: 'metric' }),
    get(
      'statistics: bucket=week',
      stats('metric=t&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&bucket=week'),
      400,
      {
        field: 'bucket',
      },
    ),
    get('statistics: bucket empty', stats('metric=t&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&bucket='), 400, {
      field: 'bucket',
    }),
    get(
      'statistics: too many buckets (a year of minutes)',
      stats('metric=t&from=2025-11-01T00:00:00Z&to=2026-11-01T00:00:00Z&bucket=minute'),
      400,
      {
        field: 'bucket',
      },
    ),
    get(
      'statistics: too many buckets (years 1 to 9999 in days)',
      stats('metric=t&from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z&bucket=day'),
      400,
      {
        field: 'bucket',
      },
    ),
    get('statistics: from > to', stats('metric=t&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z&bucket=hour'), 400, {
      field: 'to',
    }),
    get(
      'statistics: the last day of year 9999',
      stats('metric=t&from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59.999Z&bucket=hour'),
      'not-5xx',
    ),
    get(
      'statistics: the first day of year 1',
      stats('metric=t&from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z&bucket=hour'),
      'not-5xx',
    ),
    get('readings: limit=0', `/api/v1/sensors/${sensor}/readings?limit=0`, 400, { field: 'limit' }),
    get('readings: metric with a space', `/api/v1/sensors/${sensor}/readings?metric=a%20b`, 400, { field: 'metric' }),
    get('sensors: limit=-1', '/api/v1/sensors?limit=-1', 400, { field: 'limit' }),
    get('sensors: cursor holding an invalid sensor id', `/api/v1/sensors?cursor=${base64url('["s","a b"]')}`, 400, {
      field: 'cursor',
    }),
    get("sensors: cursor holding ' OR 1=1 --", `/api/v1/sensors?cursor=${base64url(`["s","' OR 1=1 --"]`)}`, 400, {
      field: 'cursor',
    }),
    get('sensors: unknown parameter sensorId', '/api/v1/sensors?sensorId=x', 400, { field: 'sensorId' }),
    get(
      'events: 2000 unknown parameters',
      `${events}?${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}`,
      400,
      {
        field: 'p0',
      },
    ),
    get('events: a parameter value of 10 KB', `${events}?type=${'A'.repeat(10_000)}`, 400, { field: 'type' }),
  );
  const assessorId = (name: string, id: string, more: Partial<BadInputCase> = {}) =>
    get(`sensor id ${name} (assessor)`, `/api/v1/sensors/${id}/events`, 400, { field: 'sensorId', ...more });
  add(
    assessorId('of 129 characters', 'x'.repeat(129)),
    assessorId('with an encoded space', 'a%20b'),
    assessorId('in unicode', '%C3%A9t%C3%A9'),
    assessorId('with %00', 'a%00'),
    assessorId('with an encoded slash', 'a%2Fb'),
    assessorId("' OR 1=1 --", "'%20OR%201=1%20--"),
    assessorId('1; DROP TABLE readings', '1;%20DROP%20TABLE%20readings'),
    assessorId('with broken percent-encoding %E0%A4%A', 'x%E0%A4%A', { field: 'path' }),
    assessorId('with a lone %', 'x%', { field: 'path' }),
    get('sensor id .. (a valid id: answers like any unknown sensor)', '/api/v1/sensors/../events', 'not-5xx'),
    get(
      'statistics for sensor id 1; DROP TABLE readings',
      `/api/v1/sensors/1;%20DROP%20TABLE%20readings/statistics?metric=t&from=0&to=1&bucket=day`,
      400,
      {
        field: 'sensorId',
      },
    ),
  );
  const assessorMethod = (
    verb: string,
    label: string,
    path: string,
    expected: Expected = 404,
    more: Partial<BadInputCase> = {},
  ): BadInputCase => ({
    name: `${verb} ${label} (assessor)`,
    service: 'assessor' as const,
    method: verb,
    path,
    headers: {},
    expected,
    field: 'path',
    ...more,
  });
  add(
    assessorMethod('POST', '/api/v1/sensors/{id}/events', events, 404, { headers: { ...JSON_TYPE }, body: utf8('{}') }),
    assessorMethod('PUT', '/api/v1/sensors/{id}/events', events, 404, { headers: { ...JSON_TYPE }, body: utf8('{}') }),
    assessorMethod('PATCH', '/api/v1/sensors/{id}/events', events, 404, {
      headers: { ...JSON_TYPE },
      body: utf8('{}'),
    }),
    assessorMethod('DELETE', '/api/v1/sensors/{id}/events', events),
    assessorMethod('DELETE', '/api/v1/sensors', '/api/v1/sensors'),
    assessorMethod('HEAD', '/api/v1/sensors/{id}/events', events, 'not-5xx', { field: undefined }),
    assessorMethod('OPTIONS', '/api/v1/sensors/{id}/events', events, 'not-5xx', { field: undefined }),
    // `/` is the dashboard's page (the build makes dist/dashboard); other unknown paths stay JSON 404s
    assessorMethod('GET', '/ (the dashboard)', '/', '2xx', { field: undefined }),
    assessorMethod('GET', '/nope', '/nope'),
    assessorMethod('GET', '/api/v1', '/api/v1'),
    assessorMethod('GET', '/api/v1/sensors/{id}', `/api/v1/sensors/${sensor}`),
    assessorMethod('GET', '/api/v1/sensors/{id}/unknown', `/api/v1/sensors/${sensor}/unknown`),
    assessorMethod('GET', '/api/v1/sensors/{id}/events/extra', `${events}/extra`),
    assessorMethod('GET', '/api/v1/sensors/{id}/x/../../events', `/api/v1/sensors/${sensor}/x/../../events`),
    assessorMethod('POST', '/api/v1/measurements', '/api/v1/measurements', 404, {
      headers: { ...JSON_TYPE },
      body: utf8('[]'),
    }),
    raw(
      'assessor',
      'URL of 100 KB (assessor; Node: 431)',
      `GET /api/v1/sensors/${'a'.repeat(100_000)}/events HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
    ),
    raw(
      'assessor',
      'query string of 100 KB (Node: 431)',
      `GET ${events}?${'p=1&'.repeat(25_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
    ),
  );

  // ---- malformed HTTP on a raw socket, against both services ----
  const target = (service: Service) => (service === 'receiver' ? m('raw') : events);
  for (const service of ['receiver', 'assessor'] as const) {
    const path = target(service);
    add(
      raw(service, `garbage request line (${service})`, 'HELLO WORLD\r\n\r\n'),
      raw(
        service,
        `binary garbage (${service})`,
        Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)),
      ),
      raw(service, `header name with a space (${service})`, `GET /health HTTP/1.1\r\nHost: x\r\nFoo Bar: x\r\n\r\n`),
      raw(service, `header line without a colon (${service})`, `GET /health HTTP/1.1\r\nHost: x\r\nFooBar\r\n\r\n`),
      raw(service, `NUL in a header value (${service})`, `GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n`),
      raw(service, `NUL in the URL (${service})`, `GET /health\u0000 HTTP/1.1\r\nHost: x\r\n\r\n`),
      raw(service, `space in the URL (${service})`, `GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n`),
      raw(service, `lower-case method (${service})`, `get /health HTTP/1.1\r\nHost: x\r\n\r\n`),
      raw(service, `unknown method (${service})`, `FOO /health HTTP/1.1\r\nHost: x\r\n\r\n`),
      raw(service, `HTTP/9.9 (${service})`, `GET /health HTTP/9.9\r\nHost: x\r\n\r\n`),
      raw(service, `HTTP/2 preface on HTTP/1.1 (${service})`, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      raw(service, `bare LF line endings (${service})`, 'GET /health HTTP/1.1\nHost: x\n\n'),
      raw(service, `HTTP/1.1 without Host (${service})`, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'),
      raw(
        service,
        `Content-Length and Transfer-Encoding together (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
      raw(
        service,
        `two different Content-Length (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{"t":1}`,
      ),
      raw(service, `Content-Length: -1 (${service})`, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`),
      raw(
        service,
        `Content-Length: abc (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`,
      ),
      raw(
        service,
        `invalid chunk size (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{"t":1}\r\n0\r\n\r\n`,
      ),
      raw(
        service,
        `invalid chunk size after a good chunk (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"t\r\nzz\r\n`,
      ),
      raw(
        service,
        `Content-Length shorter than the body, garbage after (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"temperature":1}garbage\r\n\r\n`,
      ),
      raw(
        service,
        `body cut short, connection half-closed (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"temperature":`,
        '4xx',
        { endAfterWrite: true },
      ),
      raw(
        service,
        `body cut short, connection reset (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"temperature":`,
        '4xx',
        { abortAfterWrite: true },
      ),
      raw(
        service,
        `Content-Length of 10 GB, 17 bytes sent, connection half-closed (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"temperature":1}`,
        '4xx',
        { endAfterWrite: true },
      ),
      raw(
        service,
        `Content-Length of 20 digits (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{"temperature":1}`,
      ),
      raw(
        service,
        `a body without Content-Length or Transfer-Encoding (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n{"temperature":1}`,
        '4xx',
        { endAfterWrite: true },
      ),
      raw(
        service,
        `headers cut short, connection half-closed (${service})`,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Half`,
        '4xx',
        {
          endAfterWrite: true,
        },
      ),
      raw(service, `CONNECT (${service})`, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      raw(
        service,
        `Expect: tea (${service})`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: tea\r\nContent-Length: 2\r\n\r\n{}`,
        417,
      ),
      raw(
        service,
        `Upgrade: websocket on /health (${service})`,
        'GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
        'not-5xx',
      ),
      raw(
        service,
        `absolute-form URL (${service})`,
        'GET http://evil.example/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        'not-5xx',
      ),
      raw(
        service,
        `asterisk-form OPTIONS * (${service})`,
        'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        'not-5xx',
      ),
      raw(service, `HTTP/1.0 without Host (${service})`, 'GET /health HTTP/1.0\r\n\r\n', 'not-5xx'),
    );
  }
  // ---- receiver: log lines (contract "Logs"): every one a 4xx, nothing on the logs topic or in PostgreSQL ----
  const logs = (tag: string) => `/api/v1/sensors/${bad(tag)}/logs`;
  const line = (more: Record<string, unknown> = {}) => ({ level: 'info', message: 'a line', ...more });
  const lines = (count: number) => Array.from({ length: count }, (_, i) => line({ message: `line ${i}` }));
  add(
    post('logs: a message of 8 KiB and one byte', logs('log-8k1'), json([line({ message: 'a'.repeat(8193) })]), 400, {
      field: 'message',
      index: 0,
    }),
    post(
      'logs: 4,097 two-byte characters (8,194 bytes of UTF-8)',
      logs('log-8k-utf8'),
      json([line(), line({ message: 'é'.repeat(4097) })]),
      400,
      { field: 'message', index: 1 },
    ),
    post(
      'logs: invalid UTF-8 bytes in a message',
      logs('log-bad-utf8'),
      Buffer.concat([utf8('[{"level":"info","message":"'), Buffer.from([0xff, 0xfe, 0xc3]), utf8('"}]')]),
      400,
    ),
    post(
      'logs: a message with a lone surrogate escape',
      logs('log-surrogate'),
      '[{"level":"info","message":"a\\ud800b"}]',
      400,
      {
        field: 'message',
        index: 0,
      },
    ),
    post('logs: a NUL escape in a message', logs('log-nul'), '[{"level":"info","message":"a\\u0000b"}]', 400, {
      field: 'message',
      index: 0,
    }),
    post(
      'logs: a NUL in a source',
      logs('log-nul-source'),
      '[{"level":"info","message":"x","source":"a\\u0000"}]',
      400,
      {
        field: 'source',
        index: 0,
      },
    ),
    post('logs: unknown level "fatal"', logs('log-level-fatal'), json([line({ level: 'fatal' })]), 400, {
      field: 'level',
      index: 0,
    }),
    post('logs: level in capitals', logs('log-level-caps'), json([line({ level: 'INFO' })]), 400, { field: 'level' }),
    post('logs: level "warn" (the name is warning)', logs('log-level-warn'), json([line({ level: 'warn' })]), 400, {
      field: 'level',
    }),
    post('logs: level is a number', logs('log-level-number'), json([line({ level: 3 })]), 400, { field: 'level' }),
    post('logs: level missing', logs('log-level-missing'), json([{ message: 'x' }]), 400, { field: 'level' }),
    post('logs: message missing', logs('log-message-missing'), json([{ level: 'info' }]), 400, {
      field: 'message',
      index: 0,
    }),
    post('logs: message empty', logs('log-message-empty'), json([line({ message: '' })]), 400, { field: 'message' }),
    post('logs: message is a number', logs('log-message-number'), json([line({ message: 42 })]), 400, {
      field: 'message',
    }),
    post('logs: message is an array', logs('log-message-array'), json([line({ message: ['a'] })]), 400, {
      field: 'message',
    }),
    post('logs: message is null', logs('log-message-null'), json([line({ message: null })]), 400, { field: 'message' }),
    post('logs: source empty', logs('log-source-empty'), json([line({ source: '' })]), 400, { field: 'source' }),
    post('logs: source of 257 characters', logs('log-source-long'), json([line({ source: 's'.repeat(257) })]), 400, {
      field: 'source',
    }),
    post('logs: source is a number', logs('log-source-number'), json([line({ source: 7 })]), 400, { field: 'source' }),
    post('logs: id with a slash', logs('log-id-slash'), json([line({ id: 'a/b' })]), 400, { field: 'id' }),
    post('logs: id is an object', logs('log-id-object'), json([line({ id: { n: 1 } })]), 400, { field: 'id' }),
    post('logs: at is garbage', logs('log-at-garbage'), json([line({ at: 'yesterday' })]), 400, { field: 'at' }),
    post('logs: at two days ahead', logs('log-at-future'), json([line({ at: now + 2 * 86_400_000 })]), 400, {
      field: 'at',
    }),
    post('logs: an unknown field', logs('log-unknown-field'), json([line({ severity: 'high' })]), 400, {
      field: 'severity',
    }),
    post(
      'logs: one good line and one bad: nothing stored',
      logs('log-mixed'),
      json([line(), line({ level: 'x' })]),
      400,
      {
        field: 'level',
        index: 1,
      },
    ),
    post('logs: a batch of 10,000 lines', logs('log-10000'), json(lines(10_000)), 400, { field: 'body' }),
    post('logs: 5,001 lines', logs('log-5001'), json(lines(5001)), 400, { field: 'body' }),
    post(
      'logs: 5,000 bad lines: the error list is bounded',
      logs('log-5000-bad'),
      json(lines(5000).map(() => ({ level: 'no' }))),
      400,
      {
        field: 'level',
        maxAnswerBytes: 64 * 1024,
      },
    ),
    post('logs: an empty array', logs('log-empty-array'), '[]', 400, { field: 'body' }),
    post('logs: one object, not an array', logs('log-object'), json(line()), 400, { field: 'body' }),
    post('logs: a JSON string', logs('log-string'), '"a line"', 400, { field: 'body' }),
    post('logs: JSON null', logs('log-null'), 'null', 400, { field: 'body' }),
    post('logs: an array of strings', logs('log-strings'), '["a line"]', 400, { field: 'body', index: 0 }),
    post('logs: not JSON', logs('log-not-json'), '[{"level":"info",', 400, { field: 'body' }),
    post('logs: an invalid sensor id in the path', '/api/v1/sensors/a%20b/logs', json([line()]), 400, {
      field: 'sensorId',
    }),
    {
      ...post('logs: text/plain', logs('log-text-plain'), 'info a line', 415),
      headers: { 'Content-Type': 'text/plain' },
    },
  );

  return cases;
}
