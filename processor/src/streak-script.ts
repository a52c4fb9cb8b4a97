// The processor's one atomic write per chunk (and per silence sweep), as a Redis Lua script. The
// plan it writes was computed in TypeScript (chunk-plan.ts, the one state machine) from state loaded
// just before; the script applies it only if the partition's write counter `rev` is still the value
// loaded (compare-and-set), so a plan computed from state another write has since changed (a stale
// owner racing the new one, a sweep racing a chunk) is refused and the caller loads and plans again.
// Every key it touches belongs to one partition and carries the partition's hash tag
// (shared/src/redis-keys.ts), so on Redis Cluster the script runs on one node.
//
// In one step it writes: the changed fields of the sensor hashes (counters, clearing streaks, active
// alarms as JSON, rule fingerprints), the new client ids of the dedup set (then prunes the set to the
// dedup window before the newest receivedAt applied), the sensors' last-seen times (ZADD GT), the
// events and alarm transitions to the partition's outbox stream (field `topic`: `events` or
// `alarms`, `key`: the sensor id, `value`: the Avro bytes), and the partition's progress (`offset` last applied,
// `newest` receivedAt, `rev` + 1, and any extra fields such as the silence sweep's watermarks).
//
// Why an outbox rather than sending from memory: after the script the state has moved, so a crash
// before the messages reached Kafka would lose them for good (the replayed reading is skipped). The
// outbox is drained before offsets are committed, and drained again by whichever instance owns the
// partition next. Entries are removed by their stream ids, exactly those sent, so a stale owner
// draining at the same time as the new one can never remove an entry it did not send. A crash between
// the send and the removal re-sends messages with deterministic ids (events) or versions (alarms),
// which the saver ignores: each is stored once.
//
// KEYS[1] progress hash, KEYS[2] dedup sorted set, KEYS[3] outbox stream, KEYS[4] last-seen sorted
// set, KEYS[4 + i] the sensor hash of sensor write i.
// ARGV[1] rev expected, ARGV[2] new offset or '', ARGV[3] new newest or '', ARGV[4] dedup window ms,
// ARGV[5..9] counts: dedup adds, seen updates, outbox entries, sensor writes, extra progress fields;
// then dedup (score, member) pairs, seen (score, sensor id) pairs, outbox (topic, key, value) triples, per
// sensor write (set count, del count, set field/value pairs, del fields), extra progress (field, value).
// Returns {1 applied | 0 refused (rev moved), entries now in the outbox}.
export const WRITE_PLAN_LUA = `
local progress, dedup, outbox, seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local rev = tonumber(redis.call('HGET', progress, 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then
  return {0, redis.call('XLEN', outbox)}
end
local nDedup, nSeen, nOutbox, nWrites, nExtra =
  tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local a = 10
for i = 1, nDedup do
  redis.call('ZADD', dedup, ARGV[a], ARGV[a + 1])
  a = a + 2
end
for i = 1, nSeen do
  redis.call('ZADD', seen, 'GT', ARGV[a], ARGV[a + 1])
  a = a + 2
end
for i = 1, nOutbox do
  redis.call('XADD', outbox, '*', 'topic', ARGV[a], 'key', ARGV[a + 1], 'value', ARGV[a + 2])
  a = a + 3
end
for i = 1, nWrites do
  local key = KEYS[4 + i]
  local nSet, nDel = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  for j = 1, nSet do
    redis.call('HSET', key, ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  for j = 1, nDel do
    redis.call('HDEL', key, ARGV[a])
    a = a + 1
  end
end
for i = 1, nExtra do
  redis.call('HSET', progress, ARGV[a], ARGV[a + 1])
  a = a + 2
end
if ARGV[2] ~= '' then
  redis.call('HSET', progress, 'offset', ARGV[2])
end
if ARGV[3] ~= '' then
  redis.call('HSET', progress, 'newest', ARGV[3])
  redis.call('ZREMRANGEBYSCORE', dedup, '-inf', string.format('(%.0f', tonumber(ARGV[3]) - tonumber(ARGV[4])))
end
redis.call('HSET', progress, 'rev', rev + 1)
return {1, redis.call('XLEN', outbox)}
`;
