-- 0003_bridge_schema.sql — schema `bridge`: the bridge's own persistent state.
--
-- What: the rollout state (one row: phase shadow|canary|cutover and the canary percentage) with
-- its audit history, and the shadow comparator's rounds and their discrepancies.
--
-- Why: the rollout decides which path serves each key, so it must survive restarts, be shared
-- by every bridge instance and leave an audit trail of who changed it, when and why (forced
-- advances included). `bridge rollout advance` consults the recent comparison rounds, which are
-- kept here together with the discrepancies they found (for reports and the status page).
--
-- The migration runner creates the schema `bridge` and its table bridge.schema_migrations
-- itself before applying any file, hence CREATE SCHEMA IF NOT EXISTS here.
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE SCHEMA IF NOT EXISTS bridge;

-- ---------------------------------------------------------------------------------------------
-- Rollout
-- ---------------------------------------------------------------------------------------------

CREATE TABLE bridge.rollout_state (
    id             int  PRIMARY KEY CHECK (id = 1),     -- exactly one row
    phase          text NOT NULL CHECK (phase IN ('shadow', 'canary', 'cutover')),
    canary_percent int  NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 100),
    changed_at     timestamptz,
    changed_by     text,
    reason         text
);

COMMENT ON TABLE bridge.rollout_state IS
    'The current rollout phase (single row, id = 1); canary_percent is the share of keys, '
    'picked by a stable hash of contact_id, that the stream path serves in phase canary.';

INSERT INTO bridge.rollout_state (id, phase, canary_percent, changed_at, changed_by, reason)
VALUES (1, 'shadow', 0, now(), 'bridge migrate', 'initial state')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE bridge.rollout_history (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    operator     text    NOT NULL,
    action       text    NOT NULL,
    from_phase   text,
    to_phase     text,
    from_percent int,
    to_percent   int,
    forced       boolean NOT NULL DEFAULT false,
    reason       text
);

COMMENT ON TABLE bridge.rollout_history IS
    'Audit trail of every rollout change (set, advance, forced advance, rollback).';

CREATE INDEX rollout_history_at_idx ON bridge.rollout_history (at);

-- ---------------------------------------------------------------------------------------------
-- Shadow comparison
-- ---------------------------------------------------------------------------------------------

CREATE TABLE bridge.comparison_rounds (
    id                   bigserial PRIMARY KEY,
    started_at           timestamptz,
    finished_at          timestamptz,
    consistent           boolean,           -- both paths compared at the same input offsets
    compared_contacts    bigint,
    compared_campus_days bigint,
    discrepancies        bigint,
    mismatch_rate        double precision,
    legacy_lag           bigint,
    stream_lag           bigint,
    duration_ms          bigint,
    report               jsonb              -- the round's JSON report
);

COMMENT ON TABLE bridge.comparison_rounds IS
    'One row per shadow comparison round; `rollout advance` requires recent rounds to be clean.';

CREATE INDEX comparison_rounds_finished_idx ON bridge.comparison_rounds (finished_at);

CREATE TABLE bridge.comparison_discrepancies (
    round_id     bigint REFERENCES bridge.comparison_rounds ON DELETE CASCADE,
    table_name   text,
    key          text,
    kind         text,      -- value_mismatch | missing_in_stream | missing_in_legacy | stale
    field        text,
    legacy_value text,
    stream_value text
);

COMMENT ON TABLE bridge.comparison_discrepancies IS
    'The discrepancies of a comparison round, one row per (key, field) (field null when the '
    'whole row is missing or stale).';

CREATE INDEX comparison_discrepancies_round_idx ON bridge.comparison_discrepancies (round_id);
