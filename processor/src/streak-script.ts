// The processor's one atomic step, as a Redis Lua script run once per chunk of a partition's readings.
//
// For each reading, in Kafka order, per (sensor, metric):
//  - a replay is recognised and skipped: the hash records the last applied position (partition:offset)
//    and reading id, so a redelivered reading (crash before the offset commit, rebalance) never counts
//    twice, and neither does a client's retry of the reading it sent last (same client id);
//  - a warning increments the counter; when it becomes exactly N, the event (encoded by the caller)
//    is appended to the partition's outbox list *in the same script*; a normal reading resets it to 0.
//
// Why an outbox rather than sending the event from memory: after the script the counter has moved, so
// a crash before the event reached Kafka would lose it for good (the replayed reading is skipped).
// The outbox is drained to the events topic before the offsets are committed, and drained again by
// whichever instance owns the partition next. A crash between the send and the trim re-sends an event
// with the same deterministic id, which the saver ignores: events are stored exactly once.
//
// Keys: KEYS[1] the outbox; KEYS[1 + i] the warnings hash of reading i (`<prefix>warnings:<sensorId>`,
// field `<metric>` = counter, `<metric>:pos`, `<metric>:last`). ARGV[1] the partition, then five
// values per reading: metric, offset, reading id, warning (1/0) and N, then the event bytes (or '').
export const APPLY_READINGS_LUA = `
local partition = ARGV[1]
local per = 6
local readings = (#ARGV - 1) / per
local emitted = 0
for i = 0, readings - 1 do
  local a = 2 + i * per
  local key = KEYS[2 + i]
  local metric = ARGV[a]
  local offset = tonumber(ARGV[a + 1])
  local readingId = ARGV[a + 2]
  local warning = ARGV[a + 3] == '1'
  local n = tonumber(ARGV[a + 4])
  local posField = metric .. ':pos'
  local lastField = metric .. ':last'
  local seen = false
  local pos = redis.call('HGET', key, posField)
  if pos then
    local sep = string.find(pos, ':', 1, true)
    if string.sub(pos, 1, sep - 1) == partition and offset <= tonumber(string.sub(pos, sep + 1)) then
      seen = true
    end
  end
  if not seen and redis.call('HGET', key, lastField) == readingId then
    seen = true
  end
  if not seen then
    local count = 0
    if warning then
      count = redis.call('HINCRBY', key, metric, 1)
    else
      redis.call('HSET', key, metric, 0)
    end
    redis.call('HSET', key, posField, partition .. ':' .. offset, lastField, readingId)
    if warning and count == n then
      redis.call('RPUSH', KEYS[1], ARGV[a + 5])
      emitted = emitted + 1
    end
  end
end
return emitted
`;

export const ARGS_PER_READING = 6;
