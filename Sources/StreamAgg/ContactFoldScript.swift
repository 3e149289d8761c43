import RedisClient

/// The one atomic Redis step of the stream path: folds each contact's records of a batch into
/// its state, guarded by the per-(topic, partition) offsets kept in the same hash, and applies
/// the campus-day counters of exactly the events it newly counts. Being one script call, state,
/// metadata and counters change together or not at all.
///
/// One call folds several contacts (`ContactGroup.scriptCall`): a script invocation costs far
/// more in Redis than the few commands one contact's records need, so contacts share it.
///
/// KEYS: per contact, in order: its state hash, its seen event ids, its campaigns of sent events.
/// ARGV: 1 key prefix, then per contact: contact_id, record count n, then 9 strings per record
/// in partition order:
///   contact: "c", meta field, offset, campus_id, first_name, phone, opted_out "1"/"0", updated_at ms, ""
///   event:   "e", meta field, offset, event_id, campus_id, campaign_id or "", kind, at ms, UTC day
///
/// Timestamps stay the decimal strings Swift wrote: they are compared as Lua numbers (doubles,
/// exact to 2^53, far beyond any millisecond of years 0001-9999) but never formatted back by
/// Lua, whose number-to-string conversion keeps only 14 significant digits.
///
/// Returns, per contact: { applied, skipped, duplicates, changed, campaigns, {row field, value,
/// ...}, {touched "campus|day", ...} }. Row fields exclude the `o:` metadata. Touched days
/// include those of events skipped as already applied, so a replay after a crash before
/// publishing publishes them again.
enum ContactFoldScript {
    static let script = RedisScript(source: source)

    /// Fields of the state hash (the metadata fields are "o:<topic>|<partition>").
    enum Field {
        static let campusId = "cc", firstName = "cn", phone = "cp", contactOptedOut = "coo"
        static let updatedAt = "cu", contactOffset = "co"
        static let optAt = "oat", optEventId = "oid", optKind = "ok"
        static let sent = "s", delivered = "d", failed = "f", replies = "r"
        static let firstEventAt = "fe", lastSentAt = "ls", lastReplyAt = "lr"
        static func meta(topic: String, partition: Int32) -> String { "o:\(topic)|\(partition)" }
    }

    static let fieldsPerRecord = 9
    /// Contacts per script call: enough to spread the invocation's cost, few enough that one
    /// call holds Redis for well under a millisecond.
    static let contactsPerCall = 32

    static let source = #"""
local prefix = ARGV[1]

-- The contract orders ties by bytes; Lua's `<` on strings goes through strcoll and so through
-- whatever LC_COLLATE the server runs with. Compare bytes explicitly.
local function bytes_less(a, b)
  local la, lb = #a, #b
  local n = la
  if lb < n then n = lb end
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end

local contact_counts = { sent = 's', delivered = 'd', failed = 'f', reply = 'r' }
local day_counts = { sent = 'sent', delivered = 'delivered', failed = 'failed', reply = 'replies', opt_out = 'opt_outs' }
-- Index-set members added by this call already (SADD is idempotent; this only saves calls).
local days_indexed = {}
-- Campus-day counter increments of this call, applied once per day and counter at the end:
-- increments commute, and the whole call is atomic either way.
local day_increments, day_keys = {}, {}

local function fold(state_key, events_key, campaigns_key, contact, first, count)
  local flat = redis.call('HGETALL', state_key)
  local st = {}
  for i = 1, #flat, 2 do st[flat[i]] = flat[i + 1] end
  local dirty, dirty_list = {}, {}
  local function set(f, v)
    st[f] = v
    if not dirty[f] then dirty[f] = true; dirty_list[#dirty_list + 1] = f end
  end

  local touched, touched_list = {}, {}
  local function touch(suffix)
    if not touched[suffix] then touched[suffix] = true; touched_list[#touched_list + 1] = suffix end
  end
  local active = {}

  local applied, skipped, duplicates, changed = 0, 0, 0, 0
  for r = 0, count - 1 do
    local i = first + r * 9
    local tag, meta, offset_text = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    local offset = tonumber(offset_text)
    local last = st[meta]
    if last and offset <= tonumber(last) then
      skipped = skipped + 1
      if tag == 'e' then touch(ARGV[i + 4] .. '|' .. ARGV[i + 8]) end
    else
      set(meta, offset_text)
      if tag == 'c' then
        applied = applied + 1
        local updated = tonumber(ARGV[i + 7])
        local cu = st['cu']
        if not cu or updated > tonumber(cu) or (updated == tonumber(cu) and offset > tonumber(st['co'])) then
          set('cc', ARGV[i + 3]); set('cn', ARGV[i + 4]); set('cp', ARGV[i + 5])
          set('coo', ARGV[i + 6]); set('cu', ARGV[i + 7]); set('co', offset_text)
          changed = 1
        end
      else
        local event_id, campus, campaign = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
        local kind, at_text, day = ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]
        if redis.call('SADD', events_key, event_id) == 0 then
          duplicates = duplicates + 1
        else
          applied = applied + 1
          changed = 1
          local at = tonumber(at_text)
          local cf = contact_counts[kind]
          if cf then set(cf, string.format('%d', (tonumber(st[cf]) or 0) + 1)) end
          if kind == 'sent' then
            if campaign ~= '' then redis.call('SADD', campaigns_key, campaign) end
            if not st['ls'] or at > tonumber(st['ls']) then set('ls', at_text) end
          elseif kind == 'reply' then
            if not st['lr'] or at > tonumber(st['lr']) then set('lr', at_text) end
          elseif kind == 'opt_out' or kind == 'opt_in' then
            local oat = st['oat']
            if not oat or at > tonumber(oat) or (at == tonumber(oat) and bytes_less(st['oid'], event_id)) then
              set('oat', at_text); set('oid', event_id); set('ok', kind)
            end
          end
          if not st['fe'] or at < tonumber(st['fe']) then set('fe', at_text) end
          local suffix = campus .. '|' .. day
          local day_key = prefix .. 'd:' .. suffix
          local df = day_counts[kind]
          if df then
            local counters = day_increments[day_key]
            if not counters then counters = {}; day_increments[day_key] = counters; day_keys[#day_keys + 1] = day_key end
            counters[df] = (counters[df] or 0) + 1
          end
          if not active[suffix] then
            active[suffix] = true
            redis.call('SADD', day_key .. ':ac', contact)
          end
          if not days_indexed[suffix] then
            days_indexed[suffix] = true
            redis.call('SADD', prefix .. 'days', suffix)
          end
          touch(suffix)
        end
      end
    end
  end

  if #dirty_list > 0 then
    local args = {}
    for _, f in ipairs(dirty_list) do args[#args + 1] = f; args[#args + 1] = st[f] end
    redis.call('HSET', state_key, unpack(args))
  end

  local out = {}
  for f, v in pairs(st) do
    if string.sub(f, 1, 2) ~= 'o:' then out[#out + 1] = f; out[#out + 1] = v end
  end
  return { applied, skipped, duplicates, changed, redis.call('SCARD', campaigns_key), out, touched_list }
end

local results, members = {}, {}
local i, k = 2, 1
while i <= #ARGV do
  local contact, count = ARGV[i], tonumber(ARGV[i + 1])
  results[#results + 1] = fold(KEYS[k], KEYS[k + 1], KEYS[k + 2], contact, i + 2, count)
  members[#members + 1] = contact
  i = i + 2 + count * 9
  k = k + 3
end
redis.call('SADD', prefix .. 'contacts', unpack(members))
for _, day_key in ipairs(day_keys) do
  for field, n in pairs(day_increments[day_key]) do redis.call('HINCRBY', day_key, field, n) end
end
return results
"""#
}
