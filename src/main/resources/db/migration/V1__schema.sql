-- webmon schema, version 1. Managed by Flyway (webmon init); never edit an applied migration.

-- Materialised view of the compacted topic <prefix>.targets (the topic is the source of truth).
-- Upserts are idempotent by (id, version): a row only moves forward.
CREATE TABLE target (
    id               text        PRIMARY KEY,
    version          bigint      NOT NULL CHECK (version >= 1),
    name             text        NOT NULL,
    url              text        NOT NULL,
    interval_seconds integer     NOT NULL CHECK (interval_seconds > 0),
    tags             text[]      NOT NULL DEFAULT '{}',
    spec             jsonb       NOT NULL,              -- the full TargetSpec event
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL
);
CREATE INDEX target_interval_idx ON target (interval_seconds);
CREATE INDEX target_tags_idx ON target USING gin (tags);
CREATE INDEX target_name_idx ON target (lower(name), id);

-- Raw check results, range-partitioned by day on started_at. Partitions are created ahead by
-- webmon_ensure_partitions() (init and sink maintenance) and dropped whole by retention.
CREATE TABLE check_result (
    target_id       text        NOT NULL,
    started_at      timestamptz NOT NULL,
    result_id       uuid        NOT NULL,
    target_version  bigint      NOT NULL,
    location        text        NOT NULL,
    agent_id        text        NOT NULL,
    scheduled_at    timestamptz NOT NULL,
    up              boolean     NOT NULL,
    reason          text,
    status_code     smallint,
    dns_us          bigint      NOT NULL,
    connect_us      bigint      NOT NULL,
    tls_us          bigint      NOT NULL,
    ttfb_us         bigint      NOT NULL,
    transfer_us     bigint      NOT NULL,
    total_us        bigint      NOT NULL,
    body_bytes      bigint      NOT NULL,
    http_version    text,
    remote_address  text,
    tls_expires_at  timestamptz,
    redirects       smallint    NOT NULL DEFAULT 0,
    final_url       text,
    detail          text,
    PRIMARY KEY (target_id, started_at, result_id)   -- serves "one target, time range, newest first"
) PARTITION BY RANGE (started_at);

-- Catches results outside the prepared range (clock skew) so ingestion never stops on them.
CREATE TABLE check_result_default PARTITION OF check_result DEFAULT;

CREATE INDEX check_result_started_idx ON check_result USING brin (started_at);

-- Creates daily partitions check_result_pYYYYMMDD from (today - days_back) to (today + days_ahead).
-- Returns how many it created. Idempotent.
CREATE FUNCTION webmon_ensure_partitions(days_back integer, days_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    d       date;
    created integer := 0;
    part    text;
BEGIN
    FOR d IN SELECT generate_series(current_date - days_back, current_date + days_ahead, interval '1 day')::date LOOP
        part := 'check_result_p' || to_char(d, 'YYYYMMDD');
        IF to_regclass(part) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF check_result FOR VALUES FROM (%L) TO (%L)',
                           part, d::timestamptz, (d + 1)::timestamptz);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;

-- Latest result per target and location, for the dashboard.
CREATE TABLE target_status (
    target_id       text        NOT NULL,
    location        text        NOT NULL,
    result_id       uuid        NOT NULL,
    started_at      timestamptz NOT NULL,
    up              boolean     NOT NULL,
    reason          text,
    status_code     smallint,
    total_us        bigint      NOT NULL,
    tls_expires_at  timestamptz,
    since           timestamptz NOT NULL,     -- when the current UP/DOWN state began
    PRIMARY KEY (target_id, location)
);

-- Offsets consumed by the sink, written in the same transaction as the rows they produced.
-- On partition assignment the sink seeks to next_offset: PostgreSQL is the truth.
CREATE TABLE sink_offset (
    consumer_group  text        NOT NULL,
    topic           text        NOT NULL,
    partition       integer     NOT NULL,
    next_offset     bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition)
);

-- Hourly rollups per target and location, computed for closed hours; kept much longer than raw.
CREATE TABLE check_rollup_hourly (
    target_id       text        NOT NULL,
    location        text        NOT NULL,
    hour            timestamptz NOT NULL,
    checks          integer     NOT NULL,
    up_checks       integer     NOT NULL,
    min_total_us    bigint      NOT NULL,
    avg_total_us    bigint      NOT NULL,
    max_total_us    bigint      NOT NULL,
    p50_total_us    bigint      NOT NULL,
    p95_total_us    bigint      NOT NULL,
    p99_total_us    bigint      NOT NULL,
    avg_dns_us      bigint      NOT NULL,
    avg_connect_us  bigint      NOT NULL,
    avg_tls_us      bigint      NOT NULL,
    avg_ttfb_us     bigint      NOT NULL,
    avg_transfer_us bigint      NOT NULL,
    PRIMARY KEY (target_id, hour, location)
);
CREATE INDEX check_rollup_hourly_hour_idx ON check_rollup_hourly (hour);

-- Bookkeeping of maintenance jobs (last hour rolled up, last retention run).
CREATE TABLE maintenance_state (
    job             text        PRIMARY KEY,
    done_until      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Views per check frequency, as the original design had: the targets of each preset interval
-- with their latest status per location.
CREATE VIEW target_with_status AS
SELECT t.id, t.name, t.url, t.interval_seconds, t.tags, t.version, t.updated_at,
       s.location, s.up, s.reason, s.status_code, s.total_us, s.started_at AS last_check_at, s.since
FROM target t
LEFT JOIN target_status s ON s.target_id = t.id;

CREATE VIEW targets_every_1m  AS SELECT * FROM target_with_status WHERE interval_seconds = 60;
CREATE VIEW targets_every_2m  AS SELECT * FROM target_with_status WHERE interval_seconds = 120;
CREATE VIEW targets_every_5m  AS SELECT * FROM target_with_status WHERE interval_seconds = 300;
CREATE VIEW targets_every_10m AS SELECT * FROM target_with_status WHERE interval_seconds = 600;
CREATE VIEW targets_every_20m AS SELECT * FROM target_with_status WHERE interval_seconds = 1200;
CREATE VIEW targets_every_30m AS SELECT * FROM target_with_status WHERE interval_seconds = 1800;
