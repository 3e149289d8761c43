-- 0004_comparator.sql — the shadow comparator's record of per-partition offsets across rounds.
--
-- What: every comparison round stores, per input partition, the next offset each path had
-- applied (legacy: legacy.applied_offsets, stream: <prefix>offsets:stream in Redis).
--
-- Why: lag is never a mismatch, but lag that persists is. A partition is `stale` when the
-- lagging path has still not reached what the leading path had applied a grace period ago;
-- answering that needs the leading path's offsets from earlier rounds, which must survive
-- restarts of the bridge. Old observations are pruned by the comparator itself (it keeps, per
-- partition, the newest one older than the grace period and everything newer).
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE TABLE bridge.comparison_offsets (
    observed_at     timestamptz NOT NULL,
    source_topic    text   NOT NULL,
    kafka_partition int    NOT NULL,
    legacy_next     bigint NOT NULL,
    stream_next     bigint NOT NULL,
    PRIMARY KEY (source_topic, kafka_partition, observed_at)
);

COMMENT ON TABLE bridge.comparison_offsets IS
    'Per comparison round and input partition, the next offset each path had applied; used to '
    'decide when lag has lasted longer than the grace period (discrepancy kind stale).';
