import RedisClient

/// Raises "topic|partition" -> offset entries of a hash, never lowering one: a late or
/// replayed batch must not move a partition's resume point backwards.
///
/// KEYS: 1 the hash. ARGV: field, offset, field, offset, ... Returns the number raised.
enum AdvanceOffsetsScript {
    static let script = RedisScript(source: #"""
local raised = 0
for i = 1, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if not current or tonumber(ARGV[i + 1]) > tonumber(current) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    raised = raised + 1
  end
end
return raised
"""#)
}
