-- legacy_procedures_test.sql — hand-computed checks of the legacy stored procedures
-- (0002_legacy_procedures.sql) against the contract's definitions (contract section 2).
--
-- Run against a database that has the migrations applied:
--     psql -X -v ON_ERROR_STOP=1 -f migrations/tests/legacy_procedures_test.sql "$DATABASE_URL"
-- Every check is a DO block that RAISEs an EXCEPTION on a wrong result (psql then stops with a
-- non-zero exit code). Everything runs in one transaction that is ROLLED BACK at the end, so the
-- database is left untouched; all ids used here start with 'zz-' / topics with 'test.' so that
-- existing data does not interfere. Run it on a database whose default collation is NOT "C"
-- (e.g. ICU en-US) too: the byte-wise tie-break checks below would fail there if a procedure
-- relied on the default collation. The session TimeZone is set to far-off zones on purpose:
-- nothing may depend on it.
--
-- Not a migration: the migration runner applies only the top-level NNNN_*.sql files.

\set ON_ERROR_STOP 1
\set QUIET 1

BEGIN;

SET LOCAL TimeZone = 'Pacific/Kiritimati';   -- UTC+14: local dates differ from UTC dates

-- ---------------------------------------------------------------------------------------------
-- Helpers (temporary, rolled back with the transaction)
-- ---------------------------------------------------------------------------------------------
CREATE TEMP SEQUENCE legacy_test_checks;

CREATE FUNCTION pg_temp.ok(p_label text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('legacy_test_checks');
    RAISE NOTICE 'ok: %', p_label;
END $$;

CREATE FUNCTION pg_temp.expect(p_label text, p_condition boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_condition IS NOT TRUE THEN
        RAISE EXCEPTION 'FAILED: %', p_label;
    END IF;
    PERFORM pg_temp.ok(p_label);
END $$;

CREATE FUNCTION pg_temp.expect_eq(p_label text, p_actual anyelement, p_expected anyelement)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_actual IS DISTINCT FROM p_expected THEN
        RAISE EXCEPTION 'FAILED: %: expected %, got %', p_label, p_expected, p_actual;
    END IF;
    PERFORM pg_temp.ok(p_label);
END $$;

CREATE FUNCTION pg_temp.expect_summary(p_label text, p_expected legacy.contact_summary)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_actual legacy.contact_summary;
BEGIN
    SELECT * INTO v_actual FROM legacy.contact_summary WHERE contact_id = p_expected.contact_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'FAILED: %: no contact_summary row for %', p_label, p_expected.contact_id;
    END IF;
    IF v_actual IS DISTINCT FROM p_expected THEN
        RAISE EXCEPTION E'FAILED: %: contact_summary differs\n  expected %\n  actual   %',
            p_label, p_expected, v_actual;
    END IF;
    PERFORM pg_temp.ok(p_label);
END $$;

-- p_expected NULL: the row must not exist.
CREATE FUNCTION pg_temp.expect_campus(p_label text, p_campus text, p_day date,
                                      p_expected legacy.campus_daily)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_actual legacy.campus_daily;
BEGIN
    SELECT * INTO v_actual FROM legacy.campus_daily WHERE campus_id = p_campus AND day = p_day;
    IF NOT FOUND THEN
        IF p_expected IS NOT NULL THEN
            RAISE EXCEPTION 'FAILED: %: no campus_daily row for (%, %)', p_label, p_campus, p_day;
        END IF;
    ELSIF p_expected IS NULL THEN
        RAISE EXCEPTION 'FAILED: %: campus_daily row (%, %) should not exist, found %',
            p_label, p_campus, p_day, v_actual;
    ELSIF v_actual IS DISTINCT FROM p_expected THEN
        RAISE EXCEPTION E'FAILED: %: campus_daily differs\n  expected %\n  actual   %',
            p_label, p_expected, v_actual;
    END IF;
    PERFORM pg_temp.ok(p_label);
END $$;

CREATE FUNCTION pg_temp.outbox_count(p_contact_id text) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM legacy.summary_outbox WHERE contact_id = p_contact_id
$$;

DO $$
DECLARE
    v_db pg_database%ROWTYPE;
BEGIN
    SELECT * INTO v_db FROM pg_database WHERE datname = current_database();
    RAISE NOTICE 'database %: collation provider %, datcollate %, icu locale %; '
                 '''B'' < ''a'' under the default collation: % (byte-wise: true)',
        v_db.datname, v_db.datlocprovider, v_db.datcollate, v_db.daticulocale, 'B' < 'a';
END $$;

-- ---------------------------------------------------------------------------------------------
-- 1. Contact records: latest by greatest (updated_at, offset); ties on updated_at -> higher
--    offset wins; outbox rows only on change.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    PERFORM legacy.ingest_contact('test.contacts', 0, 10, 'zz-test-c1', 'zz-north', 'Ana',
                                  '+15550000001', false, '2026-11-01T10:00:00.000Z');
    PERFORM pg_temp.expect_summary('c1: first contact record creates the row',
        ROW('zz-test-c1', 'zz-north', 'Ana', '+15550000001', false, 0, 0, 0, 0, 0,
            NULL, NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c1: new row -> one outbox row', pg_temp.outbox_count('zz-test-c1'), 1::bigint);

    -- same updated_at, higher offset: wins
    PERFORM legacy.ingest_contact('test.contacts', 0, 12, 'zz-test-c1', 'zz-south', 'Ann',
                                  '+15550000002', true, '2026-11-01T10:00:00.000Z');
    PERFORM pg_temp.expect_summary('c1: tie on updated_at, higher offset 12 wins',
        ROW('zz-test-c1', 'zz-south', 'Ann', '+15550000002', true, 0, 0, 0, 0, 0,
            NULL, NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c1: change -> second outbox row', pg_temp.outbox_count('zz-test-c1'), 2::bigint);

    -- higher offset but older updated_at: loses
    PERFORM legacy.ingest_contact('test.contacts', 0, 14, 'zz-test-c1', 'zz-east', 'Old',
                                  '+15550000003', false, '2026-11-01T09:59:59.999Z');
    -- same updated_at as the winner but lower offset 11 (ingested late): loses
    PERFORM legacy.ingest_contact('test.contacts', 0, 11, 'zz-test-c1', 'zz-west', 'Mid',
                                  '+15550000004', false, '2026-11-01T10:00:00.000Z');
    PERFORM pg_temp.expect_summary('c1: older updated_at (offset 14) and lower offset on tie (11) lose',
        ROW('zz-test-c1', 'zz-south', 'Ann', '+15550000002', true, 0, 0, 0, 0, 0,
            NULL, NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c1: no change -> no new outbox row', pg_temp.outbox_count('zz-test-c1'), 2::bigint);
    PERFORM pg_temp.expect_eq('c1: all 4 raw contact records stored',
        (SELECT count(*) FROM legacy.contact_records WHERE contact_id = 'zz-test-c1'), 4::bigint);
    PERFORM pg_temp.expect_eq('c1: recompute without change returns false',
        legacy.recompute_contact_summary('zz-test-c1'), false);
    PERFORM pg_temp.expect('c1: latest outbox row equals the summary row, unpublished',
        (SELECT (o.contact_id, o.campus_id, o.first_name, o.phone, o.opted_out, o.messages_sent,
                 o.messages_delivered, o.messages_failed, o.replies, o.campaigns,
                 o.first_event_at, o.last_sent_at, o.last_reply_at)::legacy.contact_summary
                IS NOT DISTINCT FROM s
                AND o.published_at IS NULL
           FROM legacy.summary_outbox AS o, legacy.contact_summary AS s
          WHERE o.contact_id = 'zz-test-c1' AND s.contact_id = 'zz-test-c1'
          ORDER BY o.id DESC LIMIT 1));
END $$;

-- ---------------------------------------------------------------------------------------------
-- 2. opted_out: latest opt_out/opt_in by (at, event_id byte-wise). Byte order 'B' (0x42) <
--    'a' (0x61); a linguistic collation (en-US) orders 'a' before 'B'. De-duplication is per
--    contact: two contacts may use the same event ids.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    -- c2a: contact says opted_out false; events 'a' opt_out and 'B' opt_in tied on `at`:
    -- byte-wise 'a' is the latest -> opt_out -> true (en-US order would give false).
    PERFORM legacy.ingest_contact('test.contacts', 1, 20, 'zz-test-c2a', 'zz-north', 'Opt',
                                  '+15550000020', false, '2026-11-01T00:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 1, 1, 'a', 'zz-test-c2a', 'zz-opt', NULL,
                                'opt_out', '2026-11-03T08:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 1, 2, 'B', 'zz-test-c2a', 'zz-opt', NULL,
                                'opt_in', '2026-11-03T08:00:00.000Z');
    PERFORM pg_temp.expect_summary('c2a: opt tie on at, event_id ''a'' > ''B'' byte-wise -> opt_out',
        ROW('zz-test-c2a', 'zz-north', 'Opt', '+15550000020', true, 0, 0, 0, 0, 0,
            '2026-11-03T08:00:00.000Z', NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c2a: outbox rows (contact, opt_out a; the losing B changed nothing)',
        pg_temp.outbox_count('zz-test-c2a'), 2::bigint);

    -- c2b: contact says opted_out true; 'a' opt_in and 'B' opt_out tied -> 'a' -> false
    -- (both the fallback and en-US order would give true).
    PERFORM legacy.ingest_contact('test.contacts', 1, 21, 'zz-test-c2b', 'zz-north', 'Opt2',
                                  '+15550000021', true, '2026-11-01T00:00:00.000Z');
    PERFORM pg_temp.expect_summary('c2b: no opt event -> the contact record''s opted_out',
        ROW('zz-test-c2b', 'zz-north', 'Opt2', '+15550000021', true, 0, 0, 0, 0, 0,
            NULL, NULL, NULL)::legacy.contact_summary);
    PERFORM legacy.ingest_event('test.message-events', 1, 3, 'a', 'zz-test-c2b', 'zz-opt', NULL,
                                'opt_in', '2026-11-03T08:00:00.000Z');
    PERFORM pg_temp.expect_eq('c2b: outbox rows after opt_in (contact, opt_in)', pg_temp.outbox_count('zz-test-c2b'), 2::bigint);
    PERFORM legacy.ingest_event('test.message-events', 1, 4, 'B', 'zz-test-c2b', 'zz-opt', NULL,
                                'opt_out', '2026-11-03T08:00:00.000Z');
    PERFORM pg_temp.expect_summary('c2b: opt tie on at, ''a'' (opt_in) beats ''B'' (opt_out) -> false',
        ROW('zz-test-c2b', 'zz-north', 'Opt2', '+15550000021', false, 0, 0, 0, 0, 0,
            '2026-11-03T08:00:00.000Z', NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c2b: losing opt event changed nothing -> no outbox row',
        pg_temp.outbox_count('zz-test-c2b'), 2::bigint);

    -- a later `at` beats any event_id
    PERFORM legacy.ingest_event('test.message-events', 1, 5, 'C', 'zz-test-c2b', 'zz-opt', NULL,
                                'opt_out', '2026-11-03T08:00:01.000Z');
    PERFORM pg_temp.expect_eq('c2b: later opt_out -> true',
        (SELECT opted_out FROM legacy.contact_summary WHERE contact_id = 'zz-test-c2b'), true);
    PERFORM legacy.ingest_event('test.message-events', 1, 6, 'D', 'zz-test-c2b', 'zz-opt', NULL,
                                'opt_in', '2026-11-03T08:00:02.000Z');
    PERFORM pg_temp.expect_eq('c2b: later opt_in -> false',
        (SELECT opted_out FROM legacy.contact_summary WHERE contact_id = 'zz-test-c2b'), false);
    -- a duplicate of 'D' with different content (opt_out, later) changes nothing
    PERFORM legacy.ingest_event('test.message-events', 1, 7, 'D', 'zz-test-c2b', 'zz-opt', NULL,
                                'opt_out', '2026-11-03T08:00:03.000Z');
    PERFORM pg_temp.expect_summary('c2b: duplicate opt event with other kind ignored',
        ROW('zz-test-c2b', 'zz-north', 'Opt2', '+15550000021', false, 0, 0, 0, 0, 0,
            '2026-11-03T08:00:00.000Z', NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c2b: outbox rows (contact, opt_in, opt_out C, opt_in D)',
        pg_temp.outbox_count('zz-test-c2b'), 4::bigint);

    -- campus-day: opt_outs = c2a 'a' + c2b 'B' + c2b 'C' (the duplicate 'D' does not count)
    PERFORM pg_temp.expect_campus('zz-opt 2026-11-03: 3 opt_outs, 2 active contacts',
        'zz-opt', '2026-11-03',
        ROW('zz-opt', '2026-11-03', 0, 0, 0, 0, 3, 2)::legacy.campus_daily);
END $$;

-- ---------------------------------------------------------------------------------------------
-- 3. Duplicates with different content: the first occurrence in partition order counts,
--    everywhere; a duplicate carrying another campus/day gives that campus-day nothing.
-- ---------------------------------------------------------------------------------------------
DO $$
DECLARE
    v_outbox bigint;
BEGIN
    PERFORM legacy.ingest_contact('test.contacts', 2, 30, 'zz-test-c3', 'zz-north', 'Cy',
                                  '+15550000030', false, '2026-10-01T00:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 100, 'e1', 'zz-test-c3', 'zz-dup-n',
                                'camp-A', 'sent', '2026-11-01T10:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 101, 'e2', 'zz-test-c3', 'zz-dup-n',
                                'camp-A', 'delivered', '2026-11-01T10:01:00.000Z');

    -- another contact (events only, partition 3) with the same event id 'e1': counts for it
    PERFORM legacy.ingest_event('test.message-events', 3, 50, 'e1', 'zz-test-c4', 'zz-dup-s',
                                NULL, 'reply', '2026-11-02T09:00:00.000Z');
    PERFORM pg_temp.expect_campus('zz-dup-s 2026-11-02 before the duplicate',
        'zz-dup-s', '2026-11-02',
        ROW('zz-dup-s', '2026-11-02', 0, 0, 0, 1, 0, 1)::legacy.campus_daily);

    v_outbox := pg_temp.outbox_count('zz-test-c3');
    -- duplicate of c3's 'e1': other kind, campus, day, no campaign -> nothing anywhere
    PERFORM legacy.ingest_event('test.message-events', 2, 102, 'e1', 'zz-test-c3', 'zz-dup-s',
                                NULL, 'reply', '2026-11-02T10:00:00.000Z');
    PERFORM pg_temp.expect_campus('duplicate into an existing campus-day changes nothing',
        'zz-dup-s', '2026-11-02',
        ROW('zz-dup-s', '2026-11-02', 0, 0, 0, 1, 0, 1)::legacy.campus_daily);
    PERFORM pg_temp.expect_eq('recompute of that campus-day returns false',
        legacy.recompute_campus_daily('zz-dup-s', '2026-11-02'), false);
    -- duplicate of 'e2' into a campus-day nobody else has: no row is created
    PERFORM legacy.ingest_event('test.message-events', 2, 103, 'e2', 'zz-test-c3', 'zz-dup-x',
                                'camp-Z', 'sent', '2026-11-05T10:00:00.000Z');
    PERFORM pg_temp.expect_campus('duplicate into a new campus-day creates no row',
        'zz-dup-x', '2026-11-05', NULL);
    PERFORM pg_temp.expect_eq('duplicates -> no outbox row', pg_temp.outbox_count('zz-test-c3'), v_outbox);

    PERFORM legacy.ingest_event('test.message-events', 2, 104, 'e3', 'zz-test-c3', 'zz-dup-n',
                                'camp-B', 'sent', '2026-11-01T11:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 105, 'e4', 'zz-test-c3', 'zz-dup-n',
                                'camp-A', 'sent', '2026-11-01T12:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 106, 'e5', 'zz-test-c3', 'zz-dup-n',
                                'camp-B', 'failed', '2026-11-01T12:30:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 107, 'e6', 'zz-test-c3', 'zz-dup-n',
                                NULL, 'reply', '2026-11-01T13:00:00.000Z');
    v_outbox := pg_temp.outbox_count('zz-test-c3');
    -- identical duplicate of 'e3'
    PERFORM legacy.ingest_event('test.message-events', 2, 108, 'e3', 'zz-test-c3', 'zz-dup-n',
                                'camp-B', 'sent', '2026-11-01T11:00:00.000Z');
    PERFORM pg_temp.expect_eq('identical duplicate -> no outbox row', pg_temp.outbox_count('zz-test-c3'), v_outbox);
    PERFORM pg_temp.expect_eq('c3: outbox rows (contact + 6 distinct events)', v_outbox, 7::bigint);

    PERFORM pg_temp.expect_summary('c3: counters over first occurrences only',
        ROW('zz-test-c3', 'zz-north', 'Cy', '+15550000030', false,
            3, 1, 1, 1, 2,                         -- sent e1 e3 e4; delivered e2; failed e5; reply e6; camp-A, camp-B
            '2026-11-01T10:00:00.000Z',            -- first_event_at
            '2026-11-01T12:00:00.000Z',            -- last_sent_at (e4)
            '2026-11-01T13:00:00.000Z'             -- last_reply_at (e6, not the duplicate's)
        )::legacy.contact_summary);
    PERFORM pg_temp.expect_campus('zz-dup-n 2026-11-01: first occurrences only',
        'zz-dup-n', '2026-11-01',
        ROW('zz-dup-n', '2026-11-01', 3, 1, 1, 1, 0, 1)::legacy.campus_daily);
    PERFORM pg_temp.expect_eq('all 9 raw events of c3 stored (offsets 100-108, duplicates included)',
        (SELECT count(*) FROM legacy.message_events WHERE contact_id = 'zz-test-c3'), 9::bigint);

    -- 5. (contact seen only through message events)
    PERFORM pg_temp.expect_summary('c4: events only -> null attributes, opted_out false',
        ROW('zz-test-c4', NULL, NULL, NULL, false, 0, 0, 0, 1, 0,
            '2026-11-02T09:00:00.000Z', NULL, '2026-11-02T09:00:00.000Z')::legacy.contact_summary);
END $$;

-- ---------------------------------------------------------------------------------------------
-- 3b. Partition order, not ingestion order, decides the first occurrence; a campus-day with no
--     qualifying event left is deleted by its recompute.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    PERFORM legacy.ingest_event('test.message-events', 4, 300, 'x', 'zz-test-c5', 'zz-late',
                                'camp-A', 'sent', '2026-11-04T10:00:00.000Z');
    PERFORM pg_temp.expect_campus('zz-late 2026-11-04 while offset 300 is the only x',
        'zz-late', '2026-11-04',
        ROW('zz-late', '2026-11-04', 1, 0, 0, 0, 0, 1)::legacy.campus_daily);
    PERFORM legacy.ingest_event('test.message-events', 4, 250, 'x', 'zz-test-c5', 'zz-early',
                                NULL, 'reply', '2026-11-04T09:00:00.000Z');
    PERFORM pg_temp.expect_summary('c5: offset 250 is the first occurrence of x',
        ROW('zz-test-c5', NULL, NULL, NULL, false, 0, 0, 0, 1, 0,
            '2026-11-04T09:00:00.000Z', NULL, '2026-11-04T09:00:00.000Z')::legacy.contact_summary);
    PERFORM pg_temp.expect_campus('zz-early 2026-11-04 counts the first occurrence',
        'zz-early', '2026-11-04',
        ROW('zz-early', '2026-11-04', 0, 0, 0, 1, 0, 1)::legacy.campus_daily);
    PERFORM pg_temp.expect_eq('recompute of the emptied campus-day returns true (row deleted)',
        legacy.recompute_campus_daily('zz-late', '2026-11-04'), true);
    PERFORM pg_temp.expect_campus('emptied campus-day row no longer exists', 'zz-late', '2026-11-04', NULL);
    PERFORM pg_temp.expect_eq('recompute of an absent, empty campus-day returns false',
        legacy.recompute_campus_daily('zz-late', '2026-11-04'), false);
END $$;

-- ---------------------------------------------------------------------------------------------
-- 4. UTC days: events exactly at UTC midnight and just before it; the session TimeZone must
--    not matter. '2026-11-01T23:59:59.999+02:00' arrives already normalised to UTC text.
-- ---------------------------------------------------------------------------------------------
SET LOCAL TimeZone = 'Pacific/Honolulu';     -- UTC-10
DO $$
BEGIN
    PERFORM legacy.ingest_event('test.message-events', 5, 1, 'm1', 'zz-test-c6', 'zz-mid',
                                'camp-M', 'sent', '2026-11-02T00:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 5, 4, 'm4', 'zz-test-c6', 'zz-mid',
                                NULL, 'reply', '2026-11-01T00:00:00.000Z');
END $$;
SET LOCAL TimeZone = 'Pacific/Kiritimati';   -- UTC+14
DO $$
BEGIN
    -- 2026-11-01T23:59:59.999+02:00 normalised
    PERFORM legacy.ingest_event('test.message-events', 5, 2, 'm2', 'zz-test-c6', 'zz-mid',
                                'camp-M', 'sent', '2026-11-01T21:59:59.999Z');
    PERFORM legacy.ingest_event('test.message-events', 5, 3, 'm3', 'zz-test-c6', 'zz-mid',
                                'camp-M', 'delivered', '2026-11-01T23:59:59.999Z');
END $$;
SET LOCAL TimeZone = 'America/St_Johns';     -- UTC-03:30, for the checks
DO $$
BEGIN
    PERFORM pg_temp.expect_eq('m1 at 00:00:00.000Z is on 2026-11-02',
        (SELECT day FROM legacy.message_events WHERE contact_id = 'zz-test-c6' AND event_id = 'm1'), '2026-11-02'::date);
    PERFORM pg_temp.expect_eq('m4 at 00:00:00.000Z is on 2026-11-01',
        (SELECT day FROM legacy.message_events WHERE contact_id = 'zz-test-c6' AND event_id = 'm4'), '2026-11-01'::date);
    PERFORM pg_temp.expect_eq('m2 at 23:59:59.999+02:00 is on 2026-11-01 (UTC)',
        (SELECT day FROM legacy.message_events WHERE contact_id = 'zz-test-c6' AND event_id = 'm2'), '2026-11-01'::date);
    PERFORM pg_temp.expect_eq('m3 at 23:59:59.999Z is on 2026-11-01',
        (SELECT day FROM legacy.message_events WHERE contact_id = 'zz-test-c6' AND event_id = 'm3'), '2026-11-01'::date);
    PERFORM pg_temp.expect_campus('zz-mid 2026-11-01: m2 sent, m3 delivered, m4 reply',
        'zz-mid', '2026-11-01',
        ROW('zz-mid', '2026-11-01', 1, 1, 0, 1, 0, 1)::legacy.campus_daily);
    PERFORM pg_temp.expect_campus('zz-mid 2026-11-02: m1 sent at midnight',
        'zz-mid', '2026-11-02',
        ROW('zz-mid', '2026-11-02', 1, 0, 0, 0, 0, 1)::legacy.campus_daily);
    PERFORM pg_temp.expect('zz-mid has exactly those two days',
        (SELECT array_agg(day ORDER BY day) FROM legacy.campus_daily WHERE campus_id = 'zz-mid')
            = ARRAY['2026-11-01', '2026-11-02']::date[]);
    PERFORM pg_temp.expect_summary('c6: times survive any session TimeZone',
        ROW('zz-test-c6', NULL, NULL, NULL, false, 2, 1, 0, 1, 1,
            '2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z',
            '2026-11-01T00:00:00.000Z')::legacy.contact_summary);
    PERFORM pg_temp.expect('c6: last_sent_at is exactly 2026-11-02T00:00:00.000Z in UTC text',
        (SELECT to_char(last_sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           FROM legacy.contact_summary WHERE contact_id = 'zz-test-c6') = '2026-11-02T00:00:00.000Z');
END $$;

-- ---------------------------------------------------------------------------------------------
-- 5. A contact seen only through message events (an opt_out), then its contact record arrives.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    PERFORM legacy.ingest_event('test.message-events', 6, 1, 'o1', 'zz-test-c7', 'zz-north',
                                NULL, 'opt_out', '2026-11-06T12:00:00.000Z');
    PERFORM pg_temp.expect_summary('c7: events only, opt_out -> true, attributes null',
        ROW('zz-test-c7', NULL, NULL, NULL, true, 0, 0, 0, 0, 0,
            '2026-11-06T12:00:00.000Z', NULL, NULL)::legacy.contact_summary);
    PERFORM legacy.ingest_contact('test.contacts', 6, 70, 'zz-test-c7', 'zz-north', 'Zoë',
                                  '+15550000070', false, '2026-11-07T00:00:00.000Z');
    PERFORM pg_temp.expect_summary('c7: contact record fills attributes; the opt event still decides opted_out',
        ROW('zz-test-c7', 'zz-north', 'Zoë', '+15550000070', true, 0, 0, 0, 0, 0,
            '2026-11-06T12:00:00.000Z', NULL, NULL)::legacy.contact_summary);
    PERFORM pg_temp.expect_eq('c7: two changes -> two outbox rows', pg_temp.outbox_count('zz-test-c7'), 2::bigint);
    PERFORM pg_temp.expect_eq('an unknown contact: recompute returns false and creates nothing',
        legacy.recompute_contact_summary('zz-test-nobody'), false);
    PERFORM pg_temp.expect('an unknown contact: no row, no outbox row',
        NOT EXISTS (SELECT 1 FROM legacy.contact_summary WHERE contact_id = 'zz-test-nobody')
        AND pg_temp.outbox_count('zz-test-nobody') = 0);
END $$;

-- ---------------------------------------------------------------------------------------------
-- 6. Replaying the same (topic, partition, offset) changes nothing, even with other content.
-- ---------------------------------------------------------------------------------------------
DO $$
DECLARE
    v_outbox    bigint;
    v_summaries text;
    v_campus    text;
    v_contacts  bigint;
    v_events    bigint;
BEGIN
    SELECT count(*) INTO v_outbox FROM legacy.summary_outbox WHERE contact_id LIKE 'zz-test-%';
    SELECT string_agg(s::text, ';' ORDER BY s.contact_id COLLATE "C") INTO v_summaries
      FROM legacy.contact_summary AS s WHERE s.contact_id LIKE 'zz-test-%';
    SELECT string_agg(c::text, ';' ORDER BY c.campus_id COLLATE "C", c.day) INTO v_campus
      FROM legacy.campus_daily AS c WHERE c.campus_id LIKE 'zz-%';
    SELECT count(*) INTO v_contacts FROM legacy.contact_records WHERE source_topic = 'test.contacts';
    SELECT count(*) INTO v_events FROM legacy.message_events WHERE source_topic = 'test.message-events';

    -- identical replays
    PERFORM legacy.ingest_contact('test.contacts', 0, 12, 'zz-test-c1', 'zz-south', 'Ann',
                                  '+15550000002', true, '2026-11-01T10:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 104, 'e3', 'zz-test-c3', 'zz-dup-n',
                                'camp-B', 'sent', '2026-11-01T11:00:00.000Z');
    -- replays of the same coordinates with different content (the stored record stays)
    PERFORM legacy.ingest_contact('test.contacts', 0, 12, 'zz-test-c1', 'zz-replay', 'Zed',
                                  '+15550009999', false, '2030-01-01T00:00:00.000Z');
    PERFORM legacy.ingest_event('test.message-events', 2, 100, 'e9', 'zz-test-c3', 'zz-replay',
                                'camp-R', 'sent', '2030-01-01T00:00:00.000Z');

    PERFORM pg_temp.expect_eq('replay: no new raw contact record',
        (SELECT count(*) FROM legacy.contact_records WHERE source_topic = 'test.contacts'), v_contacts);
    PERFORM pg_temp.expect_eq('replay: no new raw event',
        (SELECT count(*) FROM legacy.message_events WHERE source_topic = 'test.message-events'), v_events);
    PERFORM pg_temp.expect_eq('replay: no new outbox row',
        (SELECT count(*) FROM legacy.summary_outbox WHERE contact_id LIKE 'zz-test-%'), v_outbox);
    PERFORM pg_temp.expect_eq('replay: contact summaries unchanged',
        (SELECT string_agg(s::text, ';' ORDER BY s.contact_id COLLATE "C")
           FROM legacy.contact_summary AS s WHERE s.contact_id LIKE 'zz-test-%'), v_summaries);
    PERFORM pg_temp.expect_eq('replay: campus-days unchanged (no zz-replay row)',
        (SELECT string_agg(c::text, ';' ORDER BY c.campus_id COLLATE "C", c.day)
           FROM legacy.campus_daily AS c WHERE c.campus_id LIKE 'zz-%'), v_campus);
END $$;

-- ---------------------------------------------------------------------------------------------
-- 7. Outbox rows only on change: recomputing everything changes nothing; each contact's
--    latest outbox row is its current summary row.
-- ---------------------------------------------------------------------------------------------
DO $$
DECLARE
    v_outbox bigint;
BEGIN
    SELECT count(*) INTO v_outbox FROM legacy.summary_outbox WHERE contact_id LIKE 'zz-test-%';
    PERFORM pg_temp.expect('recomputing every test contact reports no change',
        (SELECT bool_and(NOT legacy.recompute_contact_summary(s.contact_id))
           FROM legacy.contact_summary AS s WHERE s.contact_id LIKE 'zz-test-%'));
    PERFORM pg_temp.expect('recomputing every test campus-day reports no change',
        (SELECT bool_and(NOT legacy.recompute_campus_daily(c.campus_id, c.day))
           FROM legacy.campus_daily AS c WHERE c.campus_id LIKE 'zz-%'));
    PERFORM pg_temp.expect_eq('recomputing wrote no outbox row',
        (SELECT count(*) FROM legacy.summary_outbox WHERE contact_id LIKE 'zz-test-%'), v_outbox);
    PERFORM pg_temp.expect_eq('outbox rows in total (c1 2, c2a 2, c2b 4, c3 7, c4 1, c5 2, c6 4, c7 2)',
        v_outbox, 24::bigint);
    PERFORM pg_temp.expect('every contact''s latest outbox row equals its summary row',
        (SELECT bool_and(
                    (o.contact_id, o.campus_id, o.first_name, o.phone, o.opted_out, o.messages_sent,
                     o.messages_delivered, o.messages_failed, o.replies, o.campaigns,
                     o.first_event_at, o.last_sent_at, o.last_reply_at)::legacy.contact_summary
                    IS NOT DISTINCT FROM s)
           FROM legacy.contact_summary AS s
           JOIN LATERAL (SELECT * FROM legacy.summary_outbox AS x
                          WHERE x.contact_id = s.contact_id ORDER BY x.id DESC LIMIT 1) AS o ON true
          WHERE s.contact_id LIKE 'zz-test-%'));
    PERFORM pg_temp.expect_eq('8 test contacts have summary rows',
        (SELECT count(*) FROM legacy.contact_summary WHERE contact_id LIKE 'zz-test-%'), 8::bigint);
END $$;

-- ---------------------------------------------------------------------------------------------
-- 8. Applied offsets never move backwards; dead letters are stored once per coordinates.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    PERFORM legacy.record_applied_offset('test.contacts', 0, 15);
    PERFORM legacy.record_applied_offset('test.contacts', 0, 9);
    PERFORM pg_temp.expect_eq('applied offset does not move back from 15 to 9',
        (SELECT next_offset FROM legacy.applied_offsets
          WHERE source_topic = 'test.contacts' AND kafka_partition = 0), 15::bigint);
    PERFORM legacy.record_applied_offset('test.contacts', 0, 15);
    PERFORM legacy.record_applied_offset('test.contacts', 0, 16);
    PERFORM legacy.record_applied_offset('test.contacts', 1, 3);
    PERFORM pg_temp.expect_eq('applied offset moves forward to 16',
        (SELECT next_offset FROM legacy.applied_offsets
          WHERE source_topic = 'test.contacts' AND kafka_partition = 0), 16::bigint);
    PERFORM pg_temp.expect_eq('partitions are independent',
        (SELECT next_offset FROM legacy.applied_offsets
          WHERE source_topic = 'test.contacts' AND kafka_partition = 1), 3::bigint);

    PERFORM legacy.record_dead_letter('test.message-events', 7, 99, 'invalid JSON', '\x7b'::bytea);
    PERFORM legacy.record_dead_letter('test.message-events', 7, 99, 'replayed', '\x7b7b'::bytea);
    PERFORM legacy.record_dead_letter('test.message-events', 7, 100, 'key mismatch', NULL);
    PERFORM pg_temp.expect('dead letter stored once per coordinates, first one kept',
        (SELECT count(*) = 1 AND min(reason) = 'invalid JSON' AND bool_and(payload = '\x7b'::bytea)
               AND bool_and(published_at IS NULL)
           FROM legacy.dead_letter_outbox
          WHERE source_topic = 'test.message-events' AND kafka_partition = 7 AND kafka_offset = 99));
    PERFORM pg_temp.expect('dead letter without payload accepted',
        EXISTS (SELECT 1 FROM legacy.dead_letter_outbox
                 WHERE source_topic = 'test.message-events' AND kafka_partition = 7
                   AND kafka_offset = 100 AND payload IS NULL));
END $$;

DO $$
BEGIN
    RAISE NOTICE 'legacy_procedures_test: all % checks passed (rolling back)',
        currval('legacy_test_checks');
END $$;

ROLLBACK;
