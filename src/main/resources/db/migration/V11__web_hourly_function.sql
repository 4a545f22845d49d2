-- Hourly figures of one target from p_from to p_to, per location, for dashboards and stats:
-- closed hours from the rollups, plus the raw results of the hours not rolled up yet (at most the
-- last 48 hours are read raw, so a long window never scans raw rows). Hours are UTC-aligned.
-- Percentiles of raw hours are exact; summing over hours is the caller's business.
CREATE FUNCTION webmon_hourly(p_target text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
    hour            timestamptz,
    location        text,
    checks          bigint,
    up_checks       bigint,
    avg_total_us    double precision,
    p50_total_us    double precision,
    p95_total_us    double precision,
    p99_total_us    double precision,
    max_total_us    bigint,
    avg_dns_us      double precision,
    avg_connect_us  double precision,
    avg_tls_us      double precision,
    avg_ttfb_us     double precision,
    avg_transfer_us double precision)
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
           r.avg_ttfb_us::double precision, r.avg_transfer_us::double precision
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
           avg(c.dns_us), avg(c.connect_us), avg(c.tls_us), avg(c.ttfb_us), avg(c.transfer_us)
    FROM check_result c, b
    WHERE c.target_id = p_target AND c.started_at >= b.raw_from AND c.started_at < p_to
    GROUP BY 1, 2
$$;
