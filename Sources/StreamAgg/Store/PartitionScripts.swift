import RedisClient

/// The Lua scripts of the stream path. Each touches the keys of one partition only (one hash
/// tag, one Redis Cluster slot) and is atomic on the server: a script's writes reach the
/// append-only file (and replicas) as one unit, so after any crash Redis holds a prefix of the
/// commits, never half of one.
/// Field names come from `MetaField`, interpolated into the sources: Swift owns the layout.
enum PartitionScripts {
    private static let epoch = MetaField.epoch
    private static let contacts = MetaField.next(.contacts)
    private static let events = MetaField.next(.messageEvents)

    /// Taking ownership of a partition: raises its epoch, which fences off every earlier owner
    /// (their commits check the epoch first), and returns what the new owner starts from.
    ///
    /// KEYS: 1 meta, 2 sums, 3 outbox. Returns { epoch, { next contacts offset, next
    /// message-events offset }, bucket sums (`BucketSums`, or nil), { batch id, outbox entry, ... } }.
    static let claim = RedisScript(source: """
local epoch = redis.call('HINCRBY', KEYS[1], '\(epoch)', 1)
local next = redis.call('HMGET', KEYS[1], '\(contacts)', '\(events)')
return { epoch, next, redis.call('GET', KEYS[2]), redis.call('HGETALL', KEYS[3]) }
""")

    /// One batch of one partition, all or nothing, fenced: applied only if the partition's epoch
    /// is still the committer's and its stored offsets are the ones the batch was folded from.
    ///
    /// KEYS: 1 meta, 2 rows, 3 seen, 4 days, 5 sums, 6 outbox.
    /// ARGV: 1 epoch, 2-3 expected next offsets (contacts, message-events; "" = none stored),
    /// 4-5 new next offsets, 6 outbox batch id, 7 outbox entry, 8 bucket sums ("" = unchanged),
    /// 9-11 counts of row pairs, seen members and day pairs, then those items in that order.
    ///
    /// Returns { "ok" }, { "applied" } (this very batch is already stored: a retried call after
    /// a lost reply), { "fenced", stored epoch } or { "moved", stored next offsets... }.
    static let commit = RedisScript(source: """
local m = redis.call('HMGET', KEYS[1], '\(epoch)', '\(contacts)', '\(events)')
if m[1] ~= ARGV[1] then return { 'fenced', m[1] or '' } end
local c, e = m[2] or '', m[3] or ''
if c == ARGV[4] and e == ARGV[5] then return { 'applied' } end
if c ~= ARGV[2] or e ~= ARGV[3] then return { 'moved', c, e } end

-- unpack() is limited to a few thousand values: write in chunks of whole items.
local i = 12
local function write(command, key, items, width)
  local last = i + items * width - 1
  while i <= last do
    local j = math.min(i + math.floor(6000 / width) * width - 1, last)
    redis.call(command, key, unpack(ARGV, i, j))
    i = j + 1
  end
end
write('HSET', KEYS[2], tonumber(ARGV[9]), 2)
write('SADD', KEYS[3], tonumber(ARGV[10]), 1)
write('HSET', KEYS[4], tonumber(ARGV[11]), 2)
if ARGV[8] ~= '' then redis.call('SET', KEYS[5], ARGV[8]) end
redis.call('HSET', KEYS[6], ARGV[6], ARGV[7])
local offsets = {}
if ARGV[4] ~= '' then offsets[#offsets + 1] = '\(contacts)'; offsets[#offsets + 1] = ARGV[4] end
if ARGV[5] ~= '' then offsets[#offsets + 1] = '\(events)'; offsets[#offsets + 1] = ARGV[5] end
if #offsets > 0 then redis.call('HSET', KEYS[1], unpack(offsets)) end
return { 'ok' }
""")

    /// After a batch's outputs are acknowledged: forgets its outbox entries, if the epoch is
    /// still the caller's. Returns 1, or 0 when the caller was fenced off meanwhile (then what it
    /// just published may be older than what the new owner wrote: the caller must re-read).
    ///
    /// KEYS: 1 meta, 2 outbox. ARGV: 1 epoch, then batch ids.
    static let release = RedisScript(source: """
if redis.call('HGET', KEYS[1], '\(epoch)') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[2], unpack(ARGV, 2))
return 1
""")
}
