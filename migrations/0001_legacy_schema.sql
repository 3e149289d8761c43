-- 0001_legacy_schema.sql — schema `legacy`: the home-grown pipeline's tables.
--
-- What: the raw tables that store EVERY valid record the legacy worker consumes
-- (`contact_records`, `message_events`), the two aggregate tables of the contract
-- (`contact_summary`, `campus_daily`, with exactly the contract's columns), the transactional
-- outboxes (`summary_outbox` -> topic `contact-summary.legacy`, `dead_letter_outbox` ->
-- topic `bridge.dead-letter`) and the per-partition consumption positions (`applied_offsets`).
--
-- Why: the legacy path is the baseline the stream path is compared against. Like the real
-- system it keeps the whole history in PostgreSQL and recomputes aggregates from it (see
-- 0002_legacy_procedures.sql), so its cost grows with the data. The raw tables are keyed by
-- the Kafka coordinates (topic, partition, offset): re-ingesting the same Kafka record after a
-- crash or replay is a no-op. Outbox rows are written in the same transaction as the change
-- they describe, and `applied_offsets` is written in that transaction too, so on start the
-- worker resumes from PostgreSQL's positions (they win over Kafka's committed offsets).
--
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE SCHEMA IF NOT EXISTS legacy;

COMMENT ON SCHEMA legacy IS
    'The legacy (SQL) path: raw records, recomputed aggregates, outboxes, applied offsets.';

-- ---------------------------------------------------------------------------------------------
-- Raw records: every consumed VALID record, keyed by its Kafka coordinates.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE legacy.contact_records (
    source_topic    text        NOT NULL,
    kafka_partition int         NOT NULL,
    kafka_offset    bigint      NOT NULL,
    contact_id      text        NOT NULL,
    campus_id       text        NOT NULL,
    first_name      text        NOT NULL,
    phone           text        NOT NULL,
    opted_out       boolean     NOT NULL,
    updated_at      timestamptz NOT NULL,
    ingested_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, kafka_partition, kafka_offset)
);

COMMENT ON TABLE legacy.contact_records IS
    'Every valid record of the contacts topic; the primary key makes re-ingestion harmless.';

-- The summary recompute reads the contact's latest record by (updated_at, offset).
CREATE INDEX contact_records_contact_idx
    ON legacy.contact_records (contact_id, updated_at, kafka_offset);

CREATE TABLE legacy.message_events (
    source_topic    text        NOT NULL,
    kafka_partition int         NOT NULL,
    kafka_offset    bigint      NOT NULL,
    event_id        text        NOT NULL,
    contact_id      text        NOT NULL,
    campus_id       text        NOT NULL,
    campaign_id     text,                       -- required for sent/delivered/failed only
    kind            text        NOT NULL
        CHECK (kind IN ('sent', 'delivered', 'failed', 'reply', 'opt_out', 'opt_in')),
    at              timestamptz NOT NULL,
    day             date        NOT NULL,       -- UTC day of `at`, set by legacy.ingest_event
    ingested_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, kafka_partition, kafka_offset),
    -- `day` is always the UTC calendar day of `at`, whatever the session TimeZone.
    CONSTRAINT message_events_day_is_utc_day CHECK (day = (at AT TIME ZONE 'UTC')::date)
);

COMMENT ON TABLE legacy.message_events IS
    'Every valid record of the message-events topic, duplicates included (the first occurrence '
    'of (contact_id, event_id) in partition order is the one that counts).';

-- Summary recompute: all of a contact's events; first-occurrence checks look up
-- (contact_id, event_id) and compare (kafka_partition, kafka_offset).
CREATE INDEX message_events_contact_event_idx
    ON legacy.message_events (contact_id, event_id, kafka_partition, kafka_offset);

-- Campus-day recompute: all events of one (campus_id, day).
CREATE INDEX message_events_campus_day_idx
    ON legacy.message_events (campus_id, day);

-- ---------------------------------------------------------------------------------------------
-- Aggregates: exactly the contract's columns (contract section 2).
-- ---------------------------------------------------------------------------------------------

CREATE TABLE legacy.contact_summary (
    contact_id         text PRIMARY KEY,
    campus_id          text,
    first_name         text,
    phone              text,
    opted_out          boolean NOT NULL,
    messages_sent      bigint  NOT NULL,
    messages_delivered bigint  NOT NULL,
    messages_failed    bigint  NOT NULL,
    replies            bigint  NOT NULL,
    campaigns          bigint  NOT NULL,
    first_event_at     timestamptz,
    last_sent_at       timestamptz,
    last_reply_at      timestamptz
);

COMMENT ON TABLE legacy.contact_summary IS
    'One row per contact_id seen in a valid record of either topic (contract section 2).';

CREATE TABLE legacy.campus_daily (
    campus_id       text   NOT NULL,
    day             date   NOT NULL,
    sent            bigint NOT NULL,
    delivered       bigint NOT NULL,
    failed          bigint NOT NULL,
    replies         bigint NOT NULL,
    opt_outs        bigint NOT NULL,
    active_contacts bigint NOT NULL,
    PRIMARY KEY (campus_id, day)
);

COMMENT ON TABLE legacy.campus_daily IS
    'One row per (campus_id of the message event, UTC day of at) (contract section 2).';

-- ---------------------------------------------------------------------------------------------
-- Transactional outboxes, relayed to Kafka by the worker's relay.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE legacy.summary_outbox (
    id                 bigserial PRIMARY KEY,
    contact_id         text    NOT NULL,
    campus_id          text,
    first_name         text,
    phone              text,
    opted_out          boolean NOT NULL,
    messages_sent      bigint  NOT NULL,
    messages_delivered bigint  NOT NULL,
    messages_failed    bigint  NOT NULL,
    replies            bigint  NOT NULL,
    campaigns          bigint  NOT NULL,
    first_event_at     timestamptz,
    last_sent_at       timestamptz,
    last_reply_at      timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    published_at       timestamptz
);

COMMENT ON TABLE legacy.summary_outbox IS
    'A copy of every changed contact_summary row, written in the transaction of the change; '
    'the relay publishes unpublished rows in id order to contact-summary.legacy.';

CREATE INDEX summary_outbox_unpublished_idx
    ON legacy.summary_outbox (id) WHERE published_at IS NULL;

CREATE TABLE legacy.dead_letter_outbox (
    id              bigserial PRIMARY KEY,
    source_topic    text   NOT NULL,
    kafka_partition int    NOT NULL,
    kafka_offset    bigint NOT NULL,
    reason          text   NOT NULL,
    payload         bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    UNIQUE (source_topic, kafka_partition, kafka_offset)
);

COMMENT ON TABLE legacy.dead_letter_outbox IS
    'Invalid records seen by the legacy path, stored in the batch transaction; the relay '
    'publishes each once to bridge.dead-letter.';

CREATE INDEX dead_letter_outbox_unpublished_idx
    ON legacy.dead_letter_outbox (id) WHERE published_at IS NULL;

-- ---------------------------------------------------------------------------------------------
-- Consumption positions: the next offset to consume per (topic, partition).
-- ---------------------------------------------------------------------------------------------

CREATE TABLE legacy.applied_offsets (
    source_topic    text   NOT NULL,
    kafka_partition int    NOT NULL,
    next_offset     bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, kafka_partition)
);

COMMENT ON TABLE legacy.applied_offsets IS
    'Next offset to consume per partition, written in the batch transaction; on start these '
    'win over the consumer group''s committed offsets. Never moves backwards.';
