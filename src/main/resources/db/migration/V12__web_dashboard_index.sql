-- The dashboard list shows, for each of the ~50 targets of a page, uptime over 24 h / 7 d / 30 d,
-- p95 and a 24 h sparkline: up to 720 hourly rows per target and location. This index holds the
-- few columns that needs, so a page is read from the index alone (no heap visit per hour).
CREATE INDEX check_rollup_hourly_brief_idx ON check_rollup_hourly (target_id, hour)
    INCLUDE (checks, up_checks, avg_total_us, p95_total_us);

-- Like webmon_hourly, with only the columns of the dashboard list (covered by the index above),
-- summed over locations: one row per hour.
CREATE FUNCTION webmon_hourly_brief(p_target text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (hour timestamptz, checks bigint, up_checks bigint, avg_total_us double precision, p95_total_us double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH b AS (
        SELECT greatest(
                   p_from,
                   coalesce((SELECT max(r.hour) + interval '1 hour' FROM check_rollup_hourly r
                             WHERE r.target_id = p_target AND r.hour >= p_from AND r.hour < p_to),
                            p_from),
                   p_to - interval '48 hours') AS raw_from
    )
    SELECT r.hour, r.checks::bigint, r.up_checks::bigint, r.avg_total_us::double precision, r.p95_total_us::double precision
    FROM check_rollup_hourly r, b
    WHERE r.target_id = p_target AND r.hour >= p_from AND r.hour < b.raw_from
    UNION ALL
    SELECT date_bin('1 hour', c.started_at, timestamptz '2000-01-01 00:00:00+00'),
           count(*), count(*) FILTER (WHERE c.up), avg(c.total_us),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY c.total_us)
    FROM check_result c, b
    WHERE c.target_id = p_target AND c.started_at >= b.raw_from AND c.started_at < p_to
    GROUP BY 1
$$;
