import RedisClient

/// The one atomic Redis step of the stream path: folds one contact's records of a batch into
/// its state, guarded by the per-(topic, partition) offsets kept in the same hash, and applies
/// the campus-day counters of exactly the events it newly counts. Being one script call, state,
/// metadata and counters change together or not at all.
///
/// KEYS: 1 the contact's state hash, 2 its seen event ids, 3 its campaigns of sent events.
/// ARGV: 1 key prefix, 2 contact_id, then 9 strings per record in partition order:
///   contact: "c", meta field, offset, campus_id, first_name, phone, opted_out "1"/"0", updated_at ms, ""
///   event:   "e", meta field, offset, event_id, campus_id, campaign_id or "", kind, at ms, UTC day
///
/// Timestamps stay the decimal strings Swift wrote: they are compared as Lua numbers (doubles,
/// exact to 2^53, far beyond any millisecond of years 0001-9999) but never formatted back by
/// Lua, whose number-to-string conversion keeps only 14 significant digits.
///
/// Returns { applied, skipped, duplicates, changed, campaigns, {state field, value, ...},
/// {touched "campus|day", ...} }. Touched days include those of events skipped as already
/// applied, so a replay after a crash before publishing publishes them again.
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

    static let source = #"""
local state_key, events_key, campaigns_key = KEYS[1], KEYS[2], KEYS[3]
local prefix, contact = ARGV[1], ARGV[2]

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

local contact_counts = { sent = 's', delivered = 'd', failed = 'f', reply = 'r' }
local day_counts = { sent = 'sent', delivered = 'delivered', failed = 'failed', reply = 'replies', opt_out = 'opt_outs' }
local applied, skipped, duplicates, changed = 0, 0, 0, 0

local i = 3
while i + 8 <= #ARGV do
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
        if df then redis.call('HINCRBY', day_key, df, 1) end
        redis.call('SADD', day_key .. ':ac', contact)
        redis.call('SADD', prefix .. 'days', suffix)
        touch(suffix)
      end
    end
  end
  i = i + 9
end

if #dirty_list > 0 then
  local args = {}
  for _, f in ipairs(dirty_list) do args[#args + 1] = f; args[#args + 1] = st[f] end
  redis.call('HSET', state_key, unpack(args))
end
redis.call('SADD', prefix .. 'contacts', contact)

local out = {}
for f, v in pairs(st) do out[#out + 1] = f; out[#out + 1] = v end
return { applied, skipped, duplicates, changed, redis.call('SCARD', campaigns_key), out, touched_list }
"""#
}
