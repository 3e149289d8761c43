-- 0008_verdicts.sql — the verdicts of comparison rounds: which path was wrong.
--
-- What: each round's mismatches (value mismatches and missing keys, stale keys excluded) and
-- how they were judged against the fold of the keys' input records (`verdicts`: verdict ->
-- count, over every mismatch of the round; `unjudged` counts those past the judging limit);
-- and each stored discrepancy sample's verdict.
--
-- Why: a discrepancy alone says that the paths differ, not which one is right. The rollout
-- plan (`bridge run --shadow`) acts on the verdicts: it rolls back when the stream path may be
-- wrong and holds while only the legacy path is, so they must be stored with the round, in
-- the same transaction, for whichever bridge process decides.
--
-- Rounds stored before this migration keep NULL: readers count their discrepancies as
-- unjudged mismatches.
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

ALTER TABLE bridge.comparison_rounds
    ADD COLUMN mismatches bigint,
    ADD COLUMN verdicts   jsonb;

COMMENT ON COLUMN bridge.comparison_rounds.mismatches IS
    'Value mismatches and missing keys found (stale keys excluded).';
COMMENT ON COLUMN bridge.comparison_rounds.verdicts IS
    'The mismatches by verdict: agree, legacy_wrong, stream_wrong, both_wrong, undetermined, unjudged -> count.';

ALTER TABLE bridge.comparison_discrepancies
    ADD COLUMN verdict text CHECK (verdict IN ('agree', 'legacy_wrong', 'stream_wrong', 'both_wrong', 'undetermined', 'unjudged'));

COMMENT ON COLUMN bridge.comparison_discrepancies.verdict IS
    'Which path was wrong about the key, judged against the fold of its input records.';
