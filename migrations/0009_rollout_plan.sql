-- 0009_rollout_plan.sql — a progressive rollout plan that `bridge run --shadow` carries out.
--
-- What: one row (bridge.rollout_plan): the canary percentages to step through (the last one
-- 100, cutover), how many clean comparison rounds and how many seconds each step needs, which
-- verdicts the operator accepted as clean (legacy_wrong), whether the plan is paused and why,
-- and where the current step began: its time and the newest round id at that moment (rounds
-- with a greater id count toward the next step). The audit history gains `automatic` (a move
-- the plan made by itself, operator `bridge`) and `round_ids` (the rounds it acted on).
--
-- Why: teams expect a rollout to advance on healthy analysis and to roll back by itself. The
-- decision is taken after a round by whichever `bridge run --shadow` process finishes one; it
-- locks bridge.rollout_state (then this row) in the transaction that decides and records the
-- move, so several processes never both act on the same evidence, and each decision starts
-- from the state the previous one left.
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE TABLE bridge.rollout_plan (
    id               int     PRIMARY KEY CHECK (id = 1),          -- at most one plan
    steps            int[]   NOT NULL CHECK (cardinality(steps) >= 1 AND steps[cardinality(steps)] = 100),
    rounds           int     NOT NULL CHECK (rounds >= 1),
    min_seconds      int     NOT NULL CHECK (min_seconds >= 0),
    accept           text[]  NOT NULL DEFAULT '{}',
    paused           boolean NOT NULL DEFAULT false,
    paused_reason    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       text    NOT NULL,
    step_since       timestamptz NOT NULL DEFAULT now(),
    step_since_round bigint  NOT NULL DEFAULT 0,
    checked_round    bigint  NOT NULL DEFAULT 0
);

COMMENT ON TABLE bridge.rollout_plan IS
    'The progressive rollout plan (single row): canary steps, clean rounds and seconds per step, '
    'accepted verdicts, paused or not, and where the current step began.';
COMMENT ON COLUMN bridge.rollout_plan.step_since_round IS
    'Comparison rounds with a greater id count toward the next step.';
COMMENT ON COLUMN bridge.rollout_plan.checked_round IS
    'The newest round the plan has looked at for verdicts that roll back.';

ALTER TABLE bridge.rollout_history
    ADD COLUMN automatic boolean NOT NULL DEFAULT false,
    ADD COLUMN round_ids bigint[];

COMMENT ON COLUMN bridge.rollout_history.automatic IS 'True for a move the rollout plan made by itself.';
COMMENT ON COLUMN bridge.rollout_history.round_ids IS 'The comparison rounds an automatic move acted on.';
