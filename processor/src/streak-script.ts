// The processor's one atomic step, as a Redis Lua script run once per chunk of one partition's
// readings. Every key it touches belongs to that partition and carries the partition's hash tag
// (shared/src/redis-keys.ts), so on Redis Cluster the script runs on one node.
//
// For each reading, in Kafka order:
//  - a replay of Kafka offsets is skipped: the partition's progress hash holds the last offset applied,
//    and a partition's chunks are applied in order (by its owner, or by a stale owner racing the new
//    one: either way an offset is applied once, and offsets only ever move forward);
//  - a client's re-send of a reading with a client id (the same batch again, a retry after later
//    readings or after a reset, compat posts retried out of order) is skipped: the partition's dedup set
//    holds the client-id readings seen, scored by the first copy's receivedAt, and is pruned to the
//    dedup window before the newest receivedAt applied. Members are a hash of the reading id, not the
//    id, to save memory (see dedupMember);
//  - a warning increments the rule's counter in the sensor's hash; when it becomes exactly N, the event
//    (encoded by the caller) is appended to the partition's outbox stream *in the same script*; a
//    normal reading resets the counter to 0.
//
// Why an outbox rather than sending the event from memory: after the script the counter has moved, so
// a crash before the event reached Kafka would lose it for good (the replayed reading is skipped).
// The outbox is drained to the events topic before offsets are committed, and drained again by
// whichever instance owns the partition next. Entries are removed by their stream ids, exactly those
// sent, so a stale owner draining at the same time as the new one can never remove an entry it did not
// send. A crash between the send and the removal re-sends an event with the same deterministic id,
// which the saver ignores: events are stored exactly once.
//
// Keys: KEYS[1] progress hash, KEYS[2] dedup sorted set, KEYS[3] outbox stream, KEYS[3 + i] the
// sensor hash of reading i. ARGV[1] the chunk's last offset (readings without a rule are not passed,
// but are applied too: they change nothing), ARGV[2] the dedup window in ms, then ARGS_PER_READING
// values per reading: offset, dedup member ('' for a reading without a client id), receivedAt,
// counter field, warning (1/0), N, event bytes (or '').
// Returns {events raised, entries now in the outbox} (the second tells the caller to drain even when a
// re-run after a lost reply raised nothing).
export const APPLY_READINGS_LUA = `
local progress, dedup, outbox = KEYS[1], KEYS[2], KEYS[3]
local per = 7
local readings = (#ARGV - 2) / per
local applied = tonumber(redis.call('HGET', progress, 'offset') or '-1')
local newest = tonumber(redis.call('HGET', progress, 'newest') or '0')
local newestText = nil
local emitted = 0
for i = 0, readings - 1 do
  local a = 3 + i * per
  if tonumber(ARGV[a]) > applied then
    local member = ARGV[a + 1]
    local fresh = true
    if member ~= '' then
      if redis.call('ZSCORE', dedup, member) then
        fresh = false
      else
        redis.call('ZADD', dedup, ARGV[a + 2], member)
      end
    end
    local receivedAt = tonumber(ARGV[a + 2])
    if receivedAt > newest then
      newest = receivedAt
      newestText = ARGV[a + 2]
    end
    if fresh then
      local key = KEYS[4 + i]
      local field = ARGV[a + 3]
      if ARGV[a + 4] == '1' then
        if redis.call('HINCRBY', key, field, 1) == tonumber(ARGV[a + 5]) then
          redis.call('XADD', outbox, '*', 'event', ARGV[a + 6])
          emitted = emitted + 1
        end
      else
        redis.call('HSET', key, field, 0)
      end
    end
  end
end
if tonumber(ARGV[1]) > applied then
  redis.call('HSET', progress, 'offset', ARGV[1])
end
if newestText then
  redis.call('HSET', progress, 'newest', newestText)
  redis.call('ZREMRANGEBYSCORE', dedup, '-inf', string.format('(%.0f', newest - tonumber(ARGV[2])))
end
return {emitted, redis.call('XLEN', outbox)}
`;

export const ARGS_PER_READING = 7;
