/// The contact digest, Lua side: the same definition `LegacyDigestSQL` computes in SQL, so a
/// comparison round can compare 4,096 bucket sums instead of transferring a million rows.
///
/// A contact's digest is the first 40 bits of SHA-1 over a text form of its 13 contract fields:
/// strings as `<byte length>:<bytes>` (null as `-`, so no separator inside a value can make two
/// rows collide), `opted_out` as `1`/`0`, counts in decimal, timestamps as decimal epoch
/// milliseconds (or `-`), joined by `,`. Its bucket is the first 3 hex digits of SHA-1 over the
/// contact_id. A bucket's digest is the sum of its contacts' digests. SHA-1 because it is what
/// both sides have built in (Redis' `redis.sha1hex`, PostgreSQL's pgcrypto `digest`); it is a
/// checksum here, not a defence against an attacker.
///
/// Digests are computed from the stored rows each round, not maintained by the fold: a row
/// changed behind the stream path's back (a stray HSET, a partial restore) changes its bucket's
/// sum like any other difference.
enum ContactDigestLua {
    static let functions = #"""
local function digest_part(v)
  if v then return #v .. ':' .. v end
  return '-'
end

local function bucket_of(contact)
  return string.sub(redis.sha1hex(contact), 1, 3)
end

-- The digest of the contact's row as `StoredRows.contact` builds it from the same hash
-- (field names: `ContactFoldScript.Field`).
local function row_digest(prefix, contact)
  local v = redis.call('HMGET', prefix .. 'c:{' .. contact .. '}:s',
    'cc', 'cn', 'cp', 'ok', 'coo', 's', 'd', 'f', 'r', 'fe', 'ls', 'lr')
  local campaigns = redis.call('SCARD', prefix .. 'c:{' .. contact .. '}:k')
  local opted
  if v[4] then opted = v[4] == 'opt_out' else opted = v[5] == '1' end
  local text = table.concat({ digest_part(contact), digest_part(v[1]), digest_part(v[2]), digest_part(v[3]),
    opted and '1' or '0', v[6] or '0', v[7] or '0', v[8] or '0', v[9] or '0', string.format('%d', campaigns),
    v[10] or '-', v[11] or '-', v[12] or '-' }, ',')
  return tonumber(string.sub(redis.sha1hex(text), 1, 10), 16)
end

"""#
}
