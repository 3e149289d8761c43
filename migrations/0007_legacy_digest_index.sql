-- 0007_legacy_digest_index.sql — the legacy side's contact digests, maintained as rows change.
--
-- What: bridge.contact_digest(...) and bridge.contact_bucket(...), the comparator's digest
-- definition in SQL (docs/comparator.md, "Checksums"; the stream path computes the same in
-- Swift); bridge.legacy_contact_digests, one row per legacy.contact_summary row with its bucket
-- and digest, kept up to date by a trigger on legacy.contact_summary (insert, update, delete,
-- truncate) and filled now from the rows already there.
--
-- Why: a checksummed round sums digests per bucket. Computing two SHA-1 per legacy row in every
-- round took 2.2-2.6 s at a million contacts; summing a maintained bigint column takes a
-- fraction of that. The trigger is instrumentation the bridge adds to the legacy database, like
-- any change-data-capture hook: it does not change the legacy tables or their procedures, and
-- it costs each changed contact row two SHA-1 and one upsert, in the same transaction. A
-- verifying round still recomputes the digests from the rows (LegacyDigestSQL), so a row
-- changed with triggers disabled is found too.
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE FUNCTION bridge.contact_bucket(contact_id text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (get_byte(digest(contact_id, 'sha1'), 0) << 4) | (get_byte(digest(contact_id, 'sha1'), 1) >> 4);

CREATE FUNCTION bridge.contact_digest(
    contact_id text, campus_id text, first_name text, phone text, opted_out boolean,
    messages_sent bigint, messages_delivered bigint, messages_failed bigint, replies bigint, campaigns bigint,
    first_event_at timestamptz, last_sent_at timestamptz, last_reply_at timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN ('x' || substr(encode(digest(concat_ws(',',
            octet_length(contact_id) || ':' || contact_id,
            coalesce(octet_length(campus_id) || ':' || campus_id, '-'),
            coalesce(octet_length(first_name) || ':' || first_name, '-'),
            coalesce(octet_length(phone) || ':' || phone, '-'),
            CASE WHEN opted_out THEN '1' ELSE '0' END,
            messages_sent, messages_delivered, messages_failed, replies, campaigns,
            coalesce((extract(epoch from first_event_at) * 1000)::bigint::text, '-'),
            coalesce((extract(epoch from last_sent_at) * 1000)::bigint::text, '-'),
            coalesce((extract(epoch from last_reply_at) * 1000)::bigint::text, '-')), 'sha1'), 'hex'), 1, 10))::bit(40)::bigint;

CREATE TABLE bridge.legacy_contact_digests (
    contact_id text   PRIMARY KEY,
    bucket     int    NOT NULL,
    digest     bigint NOT NULL
);
CREATE INDEX legacy_contact_digests_bucket ON bridge.legacy_contact_digests (bucket);

COMMENT ON TABLE bridge.legacy_contact_digests IS
    'Per legacy.contact_summary row: its comparator bucket and digest (docs/comparator.md), kept '
    'by the trigger track_contact_digest so that a comparison round sums them instead of hashing every row.';

CREATE FUNCTION bridge.track_contact_digest() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE bridge.legacy_contact_digests;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') AND (TG_OP = 'DELETE' OR OLD.contact_id IS DISTINCT FROM NEW.contact_id) THEN
        DELETE FROM bridge.legacy_contact_digests WHERE contact_id = OLD.contact_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO bridge.legacy_contact_digests (contact_id, bucket, digest)
        VALUES (NEW.contact_id, bridge.contact_bucket(NEW.contact_id),
                bridge.contact_digest(NEW.contact_id, NEW.campus_id, NEW.first_name, NEW.phone, NEW.opted_out,
                                      NEW.messages_sent, NEW.messages_delivered, NEW.messages_failed, NEW.replies,
                                      NEW.campaigns, NEW.first_event_at, NEW.last_sent_at, NEW.last_reply_at))
        ON CONFLICT (contact_id) DO UPDATE SET bucket = EXCLUDED.bucket, digest = EXCLUDED.digest;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER track_contact_digest AFTER INSERT OR UPDATE OR DELETE ON legacy.contact_summary
    FOR EACH ROW EXECUTE FUNCTION bridge.track_contact_digest();
CREATE TRIGGER track_contact_digest_truncate AFTER TRUNCATE ON legacy.contact_summary
    FOR EACH STATEMENT EXECUTE FUNCTION bridge.track_contact_digest();

INSERT INTO bridge.legacy_contact_digests (contact_id, bucket, digest)
SELECT contact_id, bridge.contact_bucket(contact_id),
       bridge.contact_digest(contact_id, campus_id, first_name, phone, opted_out, messages_sent, messages_delivered,
                             messages_failed, replies, campaigns, first_event_at, last_sent_at, last_reply_at)
  FROM legacy.contact_summary;
