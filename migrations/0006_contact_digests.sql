-- 0006_contact_digests.sql — SHA-1 in SQL for the comparator's checksummed key ranges.
--
-- What: the pgcrypto extension, whose digest(text, 'sha1') the comparator uses to sum contact
-- digests per bucket over legacy.contact_summary (see docs/comparator.md, "Checksums").
--
-- Why: a round over a million contacts cannot afford to read every row of both stores; it
-- compares 4,096 bucket sums and reads rows only in buckets that differ. Redis' Lua has SHA-1
-- built in (redis.sha1hex) and no other digest, PostgreSQL has SHA-1 only through pgcrypto.
-- pgcrypto ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): a database owner
-- without superuser rights may create it.
-- Applied by `bridge migrate` inside one transaction (no BEGIN/COMMIT here).

CREATE EXTENSION IF NOT EXISTS pgcrypto;
