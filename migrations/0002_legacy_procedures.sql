-- 0002_legacy_procedures.sql — the legacy path's stored procedures (PL/pgSQL, set-based).
--
-- What: the functions the legacy Kafka worker calls, once per consumed record, inside its batch
-- transaction:
--   legacy.ingest_contact(...)            store a contacts record, recompute its contact's summary
--   legacy.ingest_event(...)              store a message event, recompute the contact's summary
--                                         and the event's campus-day
--   legacy.recompute_contact_summary(id)  rebuild one contact_summary row from ALL the contact's
--                                         raw rows; outbox a copy when it changed
--   legacy.recompute_campus_daily(c, d)   rebuild one campus_daily row from ALL that campus-day's
--                                         raw rows
--   legacy.record_applied_offset(...)     next offset to consume per partition (never backwards)
--   legacy.record_dead_letter(...)        store an invalid record for the dead-letter relay
--
-- Why: this is a faithful model of the home-grown pipeline the bridge replaces: every record
-- triggers a recompute over the whole history of the affected keys, so its cost grows with the
-- data. It is the baseline, so it is kept honest: no incremental shortcuts, no artificial
-- slowness. The definitions are the contract's (section 2):
--   * message events count once per (contact_id, event_id): the first occurrence in partition
--     order (lowest (kafka_partition, kafka_offset)); later duplicates change nothing anywhere,
--     even when their content (kind, campus, time, ...) differs;
--   * string tie-breaks are byte-wise: COLLATE "C" everywhere a string orders something, because
--     the database's default collation may be a linguistic one;
--   * days are UTC days: (at AT TIME ZONE 'UTC')::date, never the session TimeZone.
--
-- Concurrency: each recompute takes a transaction-scoped advisory lock on its key before reading,
-- so two worker transactions touching the same contact or campus-day serialise and the second
-- one recomputes from a snapshot that includes the first one's rows (READ COMMITTED: every
-- statement of these VOLATILE functions takes a fresh snapshot after the lock is granted).
-- Concurrent worker transactions that lock keys in different orders can deadlock; PostgreSQL
-- aborts one of them (SQLSTATE 40P01) and the worker retries that batch.
--
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

-- ---------------------------------------------------------------------------------------------
-- recompute_contact_summary
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION legacy.recompute_contact_summary(p_contact_id text)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_new               legacy.contact_summary%ROWTYPE;
    v_old               legacy.contact_summary%ROWTYPE;
    v_has_contact       boolean;
    v_event_count       bigint;
    v_contact_opted_out boolean;
    v_event_opted_out   boolean;
BEGIN
    IF p_contact_id IS NULL THEN
        RAISE EXCEPTION 'legacy.recompute_contact_summary: contact_id is null';
    END IF;

    -- Serialise recomputes of this contact across concurrent transactions.
    PERFORM pg_advisory_xact_lock(hashtextextended('legacy.contact_summary|' || p_contact_id, 0));

    -- Attributes: the latest contact record by greatest (updated_at, offset).
    SELECT c.campus_id, c.first_name, c.phone, c.opted_out
      INTO v_new.campus_id, v_new.first_name, v_new.phone, v_contact_opted_out
      FROM legacy.contact_records AS c
     WHERE c.contact_id = p_contact_id
     ORDER BY c.updated_at DESC,
              c.kafka_offset DESC,
              c.kafka_partition DESC,
              c.source_topic COLLATE "C" DESC
     LIMIT 1;
    v_has_contact := FOUND;

    -- Counters over the first occurrence of each event_id of this contact (partition order),
    -- and the latest opt_out/opt_in among those first occurrences by (at, event_id byte-wise).
    WITH firsts AS (
        SELECT DISTINCT ON (e.event_id COLLATE "C")
               e.event_id, e.kind, e.campaign_id, e.at
          FROM legacy.message_events AS e
         WHERE e.contact_id = p_contact_id
         ORDER BY e.event_id COLLATE "C",
                  e.kafka_partition,
                  e.kafka_offset,
                  e.source_topic COLLATE "C"
    )
    SELECT count(*),
           count(*) FILTER (WHERE f.kind = 'sent'),
           count(*) FILTER (WHERE f.kind = 'delivered'),
           count(*) FILTER (WHERE f.kind = 'failed'),
           count(*) FILTER (WHERE f.kind = 'reply'),
           count(DISTINCT f.campaign_id COLLATE "C") FILTER (WHERE f.kind = 'sent'),
           min(f.at),
           max(f.at) FILTER (WHERE f.kind = 'sent'),
           max(f.at) FILTER (WHERE f.kind = 'reply'),
           (SELECT o.kind = 'opt_out'
              FROM firsts AS o
             WHERE o.kind IN ('opt_out', 'opt_in')
             ORDER BY o.at DESC, o.event_id COLLATE "C" DESC
             LIMIT 1)
      INTO v_event_count,
           v_new.messages_sent, v_new.messages_delivered, v_new.messages_failed, v_new.replies,
           v_new.campaigns,
           v_new.first_event_at, v_new.last_sent_at, v_new.last_reply_at,
           v_event_opted_out
      FROM firsts AS f;

    SELECT * INTO v_old
      FROM legacy.contact_summary AS s
     WHERE s.contact_id = p_contact_id
       FOR UPDATE;

    IF NOT v_has_contact AND v_event_count = 0 THEN
        -- Never seen in a valid record: the row must not exist. (Does not happen in normal
        -- operation: the ingest procedures store a raw row before recomputing.)
        IF FOUND THEN
            DELETE FROM legacy.contact_summary AS s WHERE s.contact_id = p_contact_id;
            RETURN true;
        END IF;
        RETURN false;
    END IF;

    v_new.contact_id := p_contact_id;
    -- opted_out: the latest opt event decides; else the latest contact record; else false.
    v_new.opted_out := COALESCE(v_event_opted_out, v_contact_opted_out, false);

    IF FOUND AND v_old IS NOT DISTINCT FROM v_new THEN
        RETURN false;
    END IF;

    INSERT INTO legacy.contact_summary AS s
           (contact_id, campus_id, first_name, phone, opted_out,
            messages_sent, messages_delivered, messages_failed, replies, campaigns,
            first_event_at, last_sent_at, last_reply_at)
    VALUES (v_new.contact_id, v_new.campus_id, v_new.first_name, v_new.phone, v_new.opted_out,
            v_new.messages_sent, v_new.messages_delivered, v_new.messages_failed, v_new.replies,
            v_new.campaigns, v_new.first_event_at, v_new.last_sent_at, v_new.last_reply_at)
    ON CONFLICT (contact_id) DO UPDATE
       SET campus_id          = EXCLUDED.campus_id,
           first_name         = EXCLUDED.first_name,
           phone              = EXCLUDED.phone,
           opted_out          = EXCLUDED.opted_out,
           messages_sent      = EXCLUDED.messages_sent,
           messages_delivered = EXCLUDED.messages_delivered,
           messages_failed    = EXCLUDED.messages_failed,
           replies            = EXCLUDED.replies,
           campaigns          = EXCLUDED.campaigns,
           first_event_at     = EXCLUDED.first_event_at,
           last_sent_at       = EXCLUDED.last_sent_at,
           last_reply_at      = EXCLUDED.last_reply_at;

    -- Transactional outbox: a copy of the changed row, in this same transaction.
    INSERT INTO legacy.summary_outbox
           (contact_id, campus_id, first_name, phone, opted_out,
            messages_sent, messages_delivered, messages_failed, replies, campaigns,
            first_event_at, last_sent_at, last_reply_at)
    VALUES (v_new.contact_id, v_new.campus_id, v_new.first_name, v_new.phone, v_new.opted_out,
            v_new.messages_sent, v_new.messages_delivered, v_new.messages_failed, v_new.replies,
            v_new.campaigns, v_new.first_event_at, v_new.last_sent_at, v_new.last_reply_at);

    RETURN true;
END;
$$;

COMMENT ON FUNCTION legacy.recompute_contact_summary(text) IS
    'Rebuilds one contact_summary row from all of the contact''s raw rows; writes a copy to '
    'legacy.summary_outbox when the row is new or any column changed. Returns true on change.';

-- ---------------------------------------------------------------------------------------------
-- recompute_campus_daily
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION legacy.recompute_campus_daily(p_campus_id text, p_day date)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_new   legacy.campus_daily%ROWTYPE;
    v_old   legacy.campus_daily%ROWTYPE;
    v_count bigint;
BEGIN
    IF p_campus_id IS NULL OR p_day IS NULL THEN
        RAISE EXCEPTION 'legacy.recompute_campus_daily: campus_id and day are required';
    END IF;

    -- Serialise recomputes of this campus-day (shared by contacts of every partition).
    PERFORM pg_advisory_xact_lock(
        hashtextextended('legacy.campus_daily|' || p_campus_id || '|' || p_day::text, 0));

    -- Every event of the campus-day that is the first occurrence of its (contact_id, event_id):
    -- no row with the same pair comes earlier in partition order. A duplicate whose campus or
    -- day differs from its first occurrence therefore counts nowhere.
    SELECT count(*),
           count(*) FILTER (WHERE e.kind = 'sent'),
           count(*) FILTER (WHERE e.kind = 'delivered'),
           count(*) FILTER (WHERE e.kind = 'failed'),
           count(*) FILTER (WHERE e.kind = 'reply'),
           count(*) FILTER (WHERE e.kind = 'opt_out'),
           count(DISTINCT e.contact_id COLLATE "C")
      INTO v_count,
           v_new.sent, v_new.delivered, v_new.failed, v_new.replies, v_new.opt_outs,
           v_new.active_contacts
      FROM legacy.message_events AS e
     WHERE e.campus_id = p_campus_id
       AND e.day = p_day
       AND NOT EXISTS (
               SELECT 1
                 FROM legacy.message_events AS d
                WHERE d.contact_id = e.contact_id
                  AND d.event_id = e.event_id
                  AND (d.kafka_partition, d.kafka_offset, d.source_topic COLLATE "C")
                    < (e.kafka_partition, e.kafka_offset, e.source_topic COLLATE "C"));

    SELECT * INTO v_old
      FROM legacy.campus_daily AS c
     WHERE c.campus_id = p_campus_id AND c.day = p_day
       FOR UPDATE;

    IF v_count = 0 THEN
        -- No qualifying event: the row must not exist.
        IF FOUND THEN
            DELETE FROM legacy.campus_daily AS c
             WHERE c.campus_id = p_campus_id AND c.day = p_day;
            RETURN true;
        END IF;
        RETURN false;
    END IF;

    v_new.campus_id := p_campus_id;
    v_new.day := p_day;

    IF FOUND AND v_old IS NOT DISTINCT FROM v_new THEN
        RETURN false;
    END IF;

    INSERT INTO legacy.campus_daily AS c
           (campus_id, day, sent, delivered, failed, replies, opt_outs, active_contacts)
    VALUES (v_new.campus_id, v_new.day, v_new.sent, v_new.delivered, v_new.failed,
            v_new.replies, v_new.opt_outs, v_new.active_contacts)
    ON CONFLICT (campus_id, day) DO UPDATE
       SET sent            = EXCLUDED.sent,
           delivered       = EXCLUDED.delivered,
           failed          = EXCLUDED.failed,
           replies         = EXCLUDED.replies,
           opt_outs        = EXCLUDED.opt_outs,
           active_contacts = EXCLUDED.active_contacts;

    RETURN true;
END;
$$;

COMMENT ON FUNCTION legacy.recompute_campus_daily(text, date) IS
    'Rebuilds one campus_daily row from all first-occurrence events of that campus and UTC day; '
    'deletes it when none remain. Returns true on change.';

-- ---------------------------------------------------------------------------------------------
-- ingest_contact
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION legacy.ingest_contact(
    p_source_topic text,
    p_partition    int,
    p_offset       bigint,
    p_contact_id   text,
    p_campus_id    text,
    p_first_name   text,
    p_phone        text,
    p_opted_out    boolean,
    p_updated_at   timestamptz)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO legacy.contact_records
           (source_topic, kafka_partition, kafka_offset,
            contact_id, campus_id, first_name, phone, opted_out, updated_at)
    VALUES (p_source_topic, p_partition, p_offset,
            p_contact_id, p_campus_id, p_first_name, p_phone, p_opted_out, p_updated_at)
    ON CONFLICT (source_topic, kafka_partition, kafka_offset) DO NOTHING;

    PERFORM legacy.recompute_contact_summary(p_contact_id);
END;
$$;

COMMENT ON FUNCTION legacy.ingest_contact(text, int, bigint, text, text, text, text, boolean, timestamptz) IS
    'Stores one valid contacts record (idempotent on its Kafka coordinates) and recomputes the '
    'contact''s summary.';

-- ---------------------------------------------------------------------------------------------
-- ingest_event
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION legacy.ingest_event(
    p_source_topic text,
    p_partition    int,
    p_offset       bigint,
    p_event_id     text,
    p_contact_id   text,
    p_campus_id    text,
    p_campaign_id  text,
    p_kind         text,
    p_at           timestamptz)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_day date := (p_at AT TIME ZONE 'UTC')::date;   -- UTC day, independent of TimeZone
BEGIN
    INSERT INTO legacy.message_events
           (source_topic, kafka_partition, kafka_offset,
            event_id, contact_id, campus_id, campaign_id, kind, at, day)
    VALUES (p_source_topic, p_partition, p_offset,
            p_event_id, p_contact_id, p_campus_id, p_campaign_id, p_kind, p_at, v_day)
    ON CONFLICT (source_topic, kafka_partition, kafka_offset) DO NOTHING;

    PERFORM legacy.recompute_contact_summary(p_contact_id);
    PERFORM legacy.recompute_campus_daily(p_campus_id, v_day);
END;
$$;

COMMENT ON FUNCTION legacy.ingest_event(text, int, bigint, text, text, text, text, text, timestamptz) IS
    'Stores one valid message event (idempotent on its Kafka coordinates) and recomputes the '
    'contact''s summary and the event''s (campus_id, UTC day) row.';

-- ---------------------------------------------------------------------------------------------
-- record_applied_offset
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION legacy.record_applied_offset(
    p_source_topic text,
    p_partition    int,
    p_next_offset  bigint)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO legacy.applied_offsets AS a (source_topic, kafka_partition, next_offset, updated_at)
    VALUES (p_source_topic, p_partition, p_next_offset, now())
    ON CONFLICT (source_topic, kafka_partition) DO UPDATE
       SET next_offset = GREATEST(a.next_offset, EXCLUDED.next_offset),
           updated_at  = now();
END;
$$;

COMMENT ON FUNCTION legacy.record_applied_offset(text, int, bigint) IS
    'Upserts the next offset to consume for a partition; never moves it backwards.';

-- ---------------------------------------------------------------------------------------------
-- record_dead_letter
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION legacy.record_dead_letter(
    p_source_topic text,
    p_partition    int,
    p_offset       bigint,
    p_reason       text,
    p_payload      bytea)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO legacy.dead_letter_outbox
           (source_topic, kafka_partition, kafka_offset, reason, payload)
    VALUES (p_source_topic, p_partition, p_offset, p_reason, p_payload)
    ON CONFLICT (source_topic, kafka_partition, kafka_offset) DO NOTHING;
END;
$$;

COMMENT ON FUNCTION legacy.record_dead_letter(text, int, bigint, text, bytea) IS
    'Stores an invalid record once per Kafka coordinates for the dead-letter relay.';
