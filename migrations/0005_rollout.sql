-- 0005_rollout.sql — what the serving router has made the serving topic reflect.
--
-- What: per router consumer group, the set of rollout positions (phase, canary percentage)
-- whose owners may still be serving some key on the `contact-summary` topic. Normally one row:
-- the current position, fully re-published. While a phase change is being re-published (or
-- if a router died in the middle of one), the old and the new positions are both listed.
--
-- Why: when the phase changes, the keys that changed owner must be re-published from their
-- new owner's store. A router that was down during the change, or crashed half-way through
-- re-publishing, must know on start which keys may still carry the wrong path's row; the
-- rollout state alone only says where we are now, not what the serving topic shows.
--
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE TABLE bridge.router_served_positions (
    router_group   text NOT NULL,
    phase          text NOT NULL CHECK (phase IN ('shadow', 'canary', 'cutover')),
    canary_percent int  NOT NULL CHECK (canary_percent BETWEEN 0 AND 100),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (router_group, phase, canary_percent)
);

COMMENT ON TABLE bridge.router_served_positions IS
    'Rollout positions the serving topic may still reflect for some key, per router group; '
    'one row (the current position) once the router has re-published every key that changed owner.';
