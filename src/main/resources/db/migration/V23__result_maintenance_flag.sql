-- webmon schema, version 23: results flagged "maintenance" (issue 14) and uptime excluding them.
--
-- Every ADD COLUMN below has a constant default, so PostgreSQL (11+) stores the default in the
-- catalog and rewrites nothing: on the partitioned check_result the column is added to every
-- partition (and the DEFAULT one) as a catalog change, in milliseconds whatever the rows held.
-- Partitions created later copy it (webmon_ensure_partitions_at: LIKE check_result INCLUDING
-- DEFAULTS), so the DEFAULT partition's rows keep moving into them column for column. Rows stored
-- so far were never in maintenance: false and 0 are their true values, nothing is backfilled.
ALTER TABLE check_result ADD COLUMN maintenance boolean NOT NULL DEFAULT false;

-- Per hour and per day: the checks flagged maintenance, and those of them that were up, so that
-- uptime excluding maintenance = (up_checks - maintenance_up_checks) / (checks - maintenance_checks).
ALTER TABLE check_rollup_hourly
    ADD COLUMN maintenance_checks    integer NOT NULL DEFAULT 0,
    ADD COLUMN maintenance_up_checks integer NOT NULL DEFAULT 0;

ALTER TABLE check_uptime_daily
    ADD COLUMN maintenance_checks    bigint NOT NULL DEFAULT 0,
    ADD COLUMN maintenance_up_checks bigint NOT NULL DEFAULT 0;

-- webmon_hourly (V11) with the two maintenance counts as its last columns. A function's result
-- columns cannot be changed in place, hence drop and create; nothing (view, index) depends on it.
DROP FUNCTION webmon_hourly(text, timestamptz, timestamptz);

CREATE FUNCTION webmon_hourly(p_target text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
    hour                  timestamptz,
    location              text,
    checks                bigint,
    up_checks             bigint,
    avg_total_us          double precision,
    p50_total_us          double precision,
    p95_total_us          double precision,
    p99_total_us          double precision,
    max_total_us          bigint,
    avg_dns_us            double precision,
    avg_connect_us        double precision,
    avg_tls_us            double precision,
    avg_ttfb_us           double precision,
    avg_transfer_us       double precision,
    maintenance_checks    bigint,
    maintenance_up_checks bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH b AS (
        SELECT greatest(
                   p_from,
                   coalesce((SELECT max(r.hour) + interval '1 hour' FROM check_rollup_hourly r
                             WHERE r.target_id = p_target AND r.hour >= p_from AND r.hour < p_to),
                            p_from),
                   p_to - interval '48 hours') AS raw_from
    )
    SELECT r.hour, r.location, r.checks::bigint, r.up_checks::bigint,
           r.avg_total_us::double precision, r.p50_total_us::double precision,
           r.p95_total_us::double precision, r.p99_total_us::double precision, r.max_total_us,
           r.avg_dns_us::double precision, r.avg_connect_us::double precision, r.avg_tls_us::double precision,
           r.avg_ttfb_us::double precision, r.avg_transfer_us::double precision,
           r.maintenance_checks::bigint, r.maintenance_up_checks::bigint
    FROM check_rollup_hourly r, b
    WHERE r.target_id = p_target AND r.hour >= p_from AND r.hour < b.raw_from
    UNION ALL
    SELECT date_bin('1 hour', c.started_at, timestamptz '2000-01-01 00:00:00+00'), c.location,
           count(*), count(*) FILTER (WHERE c.up),
           avg(c.total_us),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY c.total_us),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY c.total_us),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY c.total_us),
           max(c.total_us),
           avg(c.dns_us), avg(c.connect_us), avg(c.tls_us), avg(c.ttfb_us), avg(c.transfer_us),
           count(*) FILTER (WHERE c.maintenance), count(*) FILTER (WHERE c.maintenance AND c.up)
    FROM check_result c, b
    WHERE c.target_id = p_target AND c.started_at >= b.raw_from AND c.started_at < p_to
    GROUP BY 1, 2
$$;
