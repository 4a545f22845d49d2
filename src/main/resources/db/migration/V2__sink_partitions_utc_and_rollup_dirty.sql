-- webmon schema, version 2: sink storage maintenance.

-- Daily partitions with bounds at midnight UTC whatever the session's TimeZone, for a given day.
-- V1's webmon_ensure_partitions() cast dates with the session TimeZone, which pgjdbc sets from the
-- client JVM's zone: two clients in different zones would create partitions with shifted bounds
-- (names and ranges disagreeing, and an "overlapping partition" error the next day).
--
-- A row that arrived before its day's partition existed sits in the DEFAULT partition, and
-- CREATE TABLE ... PARTITION OF fails while DEFAULT holds rows of the new range. So a partition is
-- created as a plain table, the DEFAULT rows of its day are moved into it, and it is attached
-- (a CHECK constraint matching the bounds spares ATTACH a validation scan of the new table).
-- ATTACH takes SHARE UPDATE EXCLUSIVE on check_result (no conflict with ingestion) and
-- ACCESS EXCLUSIVE on the DEFAULT partition; callers set a short lock_timeout and retry.
CREATE FUNCTION webmon_ensure_partitions_at(today date, days_back integer, days_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    d       date;
    created integer := 0;
    part    text;
    lo      timestamptz;
    hi      timestamptz;
BEGIN
    IF today IS NULL OR days_back IS NULL OR days_ahead IS NULL OR days_back < 0 OR days_ahead < 0 THEN
        RAISE EXCEPTION 'webmon_ensure_partitions_at: today must be set and days_back, days_ahead >= 0';
    END IF;
    FOR d IN SELECT generate_series(today - days_back, today + days_ahead, interval '1 day')::date LOOP
        part := 'check_result_p' || to_char(d, 'YYYYMMDD');
        IF to_regclass(part) IS NULL THEN
            lo := d::timestamp AT TIME ZONE 'UTC';
            hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
            EXECUTE format('CREATE TABLE %I (LIKE check_result INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (started_at >= %L AND started_at < %L)',
                           part, part || '_bounds', lo, hi);
            EXECUTE format('WITH moved AS (DELETE FROM check_result_default WHERE started_at >= %L AND started_at < %L RETURNING *) '
                           'INSERT INTO %I SELECT * FROM moved', lo, hi, part);
            EXECUTE format('ALTER TABLE check_result ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_bounds');
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;

CREATE OR REPLACE FUNCTION webmon_ensure_partitions(days_back integer, days_ahead integer) RETURNS integer
LANGUAGE sql AS $$
    SELECT webmon_ensure_partitions_at((now() AT TIME ZONE 'UTC')::date, days_back, days_ahead)
$$;

-- Hours whose rollup must be recomputed because rows arrived after the hour was closed (sink lag,
-- backlog after an outage). The sink marks them in the same transaction as the rows; maintenance
-- recomputes and unmarks them.
CREATE TABLE check_rollup_dirty (
    hour       timestamptz PRIMARY KEY,
    marked_at  timestamptz NOT NULL DEFAULT now()
);
