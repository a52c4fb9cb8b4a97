// Invalid requests are refused with a 4xx and the contract's JSON error naming the field, and write
// nothing. "Nothing" is checked behind a barrier rather than after a sleep: a valid reading of another
// sensor that lands on the same Kafka partition is sent afterwards, and once it has gone through the
// topic and into PostgreSQL, anything the refused requests had written would be there too.
import { randomUUID } from 'node:crypto';
import { expectEqual, expectTrue } from '../src/assertions';
import type { HttpResponse, RequestOptions } from '../src/http-service';
import { BATCH_PATH, measurementsPath, postMeasurement, storedEvents, storedReadings } from '../src/sensor-data';
import type { Test, TestContext } from '../src/test-definition';
import { partitionForKey } from '../src/topic-reader';
import { describe } from '../src/wait-for';

interface BadRequest {
  what: string;
  path: string;
  request: RequestOptions;
  status: number;
  /** fields the error list must name (each with its batch index, when given) */
  fields: Array<{ field: string; index?: number }>;
  method?: string;
}

const ISO_NOW = () => new Date().toISOString();

function badRequests(sensorId: string): BadRequest[] {
  const compat = measurementsPath(sensorId);
  const json = (value: unknown): RequestOptions => ({ json: value });
  const raw = (body: string, contentType = 'application/json'): RequestOptions => ({ body, contentType });
  return [
    {
      what: 'a string value',
      path: compat,
      request: json({ temperature: 'hot' }),
      status: 400,
      fields: [{ field: 'temperature' }],
    },
    {
      what: 'NaN as a string',
      path: compat,
      request: json({ temperature: 'NaN' }),
      status: 400,
      fields: [{ field: 'temperature' }],
    },
    {
      what: 'a null value',
      path: compat,
      request: json({ temperature: null }),
      status: 400,
      fields: [{ field: 'temperature' }],
    },
    {
      what: 'a number beyond a double (1e999)',
      path: compat,
      request: raw('{"temperature": 1e999}'),
      status: 400,
      fields: [{ field: 'temperature' }],
    },
    {
      what: 'an upper-case metric name',
      path: compat,
      request: json({ Temperature: 20 }),
      status: 400,
      fields: [{ field: 'Temperature' }],
    },
    {
      what: 'one valid metric and one invalid',
      path: compat,
      request: json({ temperature: 20, humidity: 'wet' }),
      status: 400,
      fields: [{ field: 'humidity' }],
    },
    { what: 'an empty object', path: compat, request: json({}), status: 400, fields: [{ field: 'body' }] },
    {
      what: 'only a time, no metric',
      path: compat,
      request: json({ at: ISO_NOW() }),
      status: 400,
      fields: [{ field: 'body' }],
    },
    { what: 'an empty body', path: compat, request: raw(''), status: 400, fields: [{ field: 'body' }] },
    {
      what: 'an array to the compat endpoint',
      path: compat,
      request: json([{ temperature: 20 }]),
      status: 400,
      fields: [{ field: 'body' }],
    },
    {
      what: 'an invalid time',
      path: compat,
      request: json({ temperature: 20, at: 'yesterday' }),
      status: 400,
      fields: [{ field: 'at' }],
    },
    { what: 'invalid JSON', path: compat, request: raw('{"temperature": '), status: 400, fields: [{ field: 'body' }] },
    {
      what: 'Content-Type text/plain',
      path: compat,
      request: raw('{"temperature": 20}', 'text/plain'),
      status: 415,
      fields: [{ field: 'content-type' }],
    },
    {
      what: 'a body over the size limit (2 MiB)',
      path: compat,
      request: json({ temperature: 20, padding: 'x'.repeat(2 * 1024 * 1024) }),
      status: 413,
      fields: [{ field: 'body' }],
    },
    {
      what: 'a batch with one invalid item',
      path: BATCH_PATH,
      request: json([
        { sensorId, temperature: 20 },
        { sensorId, temperature: 'hot' },
        { sensorId, temperature: 21 },
      ]),
      status: 400,
      fields: [{ field: 'temperature', index: 1 }],
    },
    {
      what: 'a batch item without a sensorId',
      path: BATCH_PATH,
      request: json([{ sensorId, temperature: 20 }, { temperature: 21 }]),
      status: 400,
      fields: [{ field: 'sensorId', index: 1 }],
    },
    {
      what: 'an object to the batch endpoint',
      path: BATCH_PATH,
      request: json({ sensorId, temperature: 20 }),
      status: 400,
      fields: [{ field: 'body' }],
    },
    { what: 'an empty batch', path: BATCH_PATH, request: json([]), status: 400, fields: [{ field: 'body' }] },
    {
      what: 'an invalid sensor id in the path',
      path: measurementsPath('bad sensor/id'),
      request: json({ temperature: 20 }),
      status: 400,
      fields: [{ field: 'sensorId' }],
    },
  ];
}

/** The contract's error shape: {"result": false, "response": [{"field", "message", "index"?}]} naming each field. */
function checkRefusal(response: HttpResponse, bad: BadRequest): void {
  const what = `${bad.method ?? 'POST'} ${bad.path.slice(0, 80)} with ${bad.what}`;
  expectTrue(
    response.status === bad.status,
    `${what}: expected HTTP ${bad.status}, got ${response.status} ${describe(response.json ?? response.text, 300)}`,
  );
  expectTrue(
    response.contentType.includes('json') && response.json !== undefined,
    `${what}: expected a JSON error, got ${response.contentType || 'no content type'} ${describe(response.text, 200)}`,
  );
  const body = response.json as { result?: unknown; response?: unknown };
  const errors = body.response as Array<{ field?: unknown; message?: unknown; index?: unknown }>;
  expectTrue(
    body.result === false &&
      Array.isArray(errors) &&
      errors.length > 0 &&
      errors.every((e) => typeof e?.field === 'string' && typeof e.message === 'string' && e.message !== ''),
    `${what}: expected {"result":false,"response":[{"field","message"}...]}, got ${describe(body)}`,
  );
  for (const wanted of bad.fields) {
    const named = errors.some(
      (e) =>
        String(e.field).toLowerCase() === wanted.field.toLowerCase() &&
        (wanted.index === undefined || e.index === wanted.index),
    );
    const where = wanted.index === undefined ? '' : ` at index ${wanted.index}`;
    expectTrue(named, `${what}: expected an error for field ${wanted.field}${where}, got ${describe(errors)}`);
  }
  if (bad.fields.some((f) => f.index !== undefined)) {
    const indexes = new Set(bad.fields.map((f) => f.index));
    expectTrue(
      errors.every((e) => indexes.has(e.index as number)),
      `${what}: expected errors only at index ${[...indexes].join(', ')}, got ${describe(errors)}`,
    );
  }
}

/** A sensor id other than `sensorId` whose readings go to the same partition of the readings topic. */
async function barrierSensor(ctx: TestContext, sensorId: string): Promise<string> {
  const partitions = await ctx.readings.partitionCount();
  const partition = partitionForKey(sensorId, partitions);
  for (let i = 0; ; i++) {
    const candidate = `${sensorId}-barrier-${i}`;
    if (partitionForKey(candidate, partitions) === partition) return candidate;
  }
}

const test: Test = {
  name: 'bad-input',
  description: 'invalid requests get a 4xx JSON error naming the field, and write nothing',
  async run(ctx) {
    const sensorId = `tester-bad-${randomUUID()}`;
    const readingsFrom = await ctx.readings.position();
    for (const bad of badRequests(sensorId)) {
      checkRefusal(await ctx.receiver.request(bad.method ?? 'POST', bad.path, bad.request), bad);
    }
    const notFound: BadRequest = {
      what: 'an unknown route',
      path: `/api/v1/sensor/${sensorId}/measurement`,
      request: { json: { temperature: 20 } },
      status: 404,
      fields: [],
    };
    checkRefusal(await ctx.receiver.request('POST', notFound.path, notFound.request), notFound);

    const barrier = await barrierSensor(ctx, sensorId);
    await postMeasurement(ctx, barrier, { temperature: 20 });

    const read = await ctx.readings.collect({
      from: readingsFrom,
      keys: [sensorId, barrier],
      until: (m) => (m.get(barrier)?.length ?? 0) >= 1,
      timeoutMs: ctx.config.timeoutMs,
    });
    expectTrue(
      read.satisfied,
      `topic ${ctx.readings.topic}: the barrier reading of sensor ${barrier} did not arrive${read.note}`,
    );
    expectEqual(
      (read.byKey.get(sensorId) ?? []).map((r) => [r.metric, r.value]),
      [],
      `topic ${ctx.readings.topic}: readings of sensor ${sensorId}, which only sent invalid requests`,
    );

    await ctx.waitUntil(
      () => storedReadings(ctx, [barrier]),
      (rows) => rows.length >= 1,
      `the barrier reading of sensor ${barrier} in PostgreSQL`,
    );
    expectEqual(
      (await storedReadings(ctx, [sensorId])).map((r) => [r.metric, r.value]),
      [],
      `PostgreSQL readings of sensor ${sensorId}, which only sent invalid requests`,
    );
    expectEqual((await storedEvents(ctx, [sensorId])).length, 0, `PostgreSQL events of sensor ${sensorId}`);
    expectEqual(
      await ctx.warningCounters(sensorId),
      {},
      `Redis ${await ctx.warningsKey(sensorId)} of a sensor that only sent invalid requests`,
    );
  },
};

export default test;
