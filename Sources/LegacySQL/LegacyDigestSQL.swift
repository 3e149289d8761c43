import PostgresClient

/// The comparator's contact digests, SQL side (definition: docs/comparator.md, "Checksums";
/// the stream path computes the same in Swift, `ContactDigest`). The digest and bucket
/// functions and the table of maintained digests are created by migration 0007.
enum LegacyDigestSQL {
    /// Per bucket: its number, how many contacts it holds, and the sum of their digests, from
    /// the digests the trigger on `legacy.contact_summary` maintains.
    static let bucketSums: PostgresQuery = """
        SELECT bucket, count(*), sum(digest)::bigint FROM bridge.legacy_contact_digests GROUP BY bucket
        """

    /// The same sums recomputed from the rows themselves (a verifying round): a row changed with
    /// the trigger disabled shows here.
    static let recomputedBucketSums: PostgresQuery = """
        SELECT bridge.contact_bucket(contact_id) AS bucket, count(*),
               sum(bridge.contact_digest(contact_id, campus_id, first_name, phone, opted_out, messages_sent,
                                         messages_delivered, messages_failed, replies, campaigns,
                                         first_event_at, last_sent_at, last_reply_at))::bigint
          FROM legacy.contact_summary
         GROUP BY 1
        """

    /// A condition on `legacy.contact_summary`: the row's bucket is one of `buckets`, bound as
    /// one `int[]` parameter in its text form.
    static func inBuckets(_ buckets: [Int]) -> PostgresQuery {
        let list = "{" + buckets.map(String.init).joined(separator: ",") + "}"
        return "bridge.contact_bucket(contact_id) = ANY(\(list)::int[])"
    }
}
