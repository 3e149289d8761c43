/// The contact digest, SQL side: the same definition `ContactDigestLua` computes in Redis (read
/// its comment for the text form, the 40-bit digest and the 4,096 buckets). Needs pgcrypto's
/// `digest` (migration 0006). Constant SQL text only: no value is ever spliced into it.
enum LegacyDigestSQL {
    /// The bucket (0..<4096) of `legacy.contact_summary.contact_id`.
    static let bucket = "('x' || substr(encode(digest(contact_id, 'sha1'), 'hex'), 1, 3))::bit(12)::int"

    /// The digest of a `legacy.contact_summary` row.
    static let rowDigest = """
        ('x' || substr(encode(digest(concat_ws(',',
            octet_length(contact_id) || ':' || contact_id,
            coalesce(octet_length(campus_id) || ':' || campus_id, '-'),
            coalesce(octet_length(first_name) || ':' || first_name, '-'),
            coalesce(octet_length(phone) || ':' || phone, '-'),
            CASE WHEN opted_out THEN '1' ELSE '0' END,
            messages_sent, messages_delivered, messages_failed, replies, campaigns,
            coalesce((extract(epoch from first_event_at) * 1000)::bigint::text, '-'),
            coalesce((extract(epoch from last_sent_at) * 1000)::bigint::text, '-'),
            coalesce((extract(epoch from last_reply_at) * 1000)::bigint::text, '-')), 'sha1'), 'hex'), 1, 10))::bit(40)::bigint
        """

    /// Per bucket: its number, how many contacts it holds, and the sum of their digests.
    static let bucketSums = """
        SELECT bucket, count(*), sum(row_digest)::bigint
          FROM (SELECT \(bucket) AS bucket, \(rowDigest) AS row_digest FROM legacy.contact_summary) digests
         GROUP BY bucket
        """
}
