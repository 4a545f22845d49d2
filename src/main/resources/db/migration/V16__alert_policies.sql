-- Named alert policies (issue 12). The web owns this table; the alerter never reads it: every
-- change is published to <prefix>.alert-policies (key = name, compacted) before the row is
-- written, with the same version lease as targets (V13).
--   version           the published version; 0 while a create of this name is in flight (the row
--                     only holds the name's lease then: reads skip it)
--   fields            the set thresholds, as the "fields" object of the AlertPolicySpec event
--   reserved_version  the highest version ever handed out for this name (never reused)
--   lease_until       while in the future, a write of reserved_version is in flight (409 to others)
--   published         false for a row Kafka has not seen yet: only the seeded 'default' below;
--                     the web publishes such rows when it starts
CREATE TABLE alert_policy (
    name             text PRIMARY KEY,
    version          bigint NOT NULL,
    tags             text[] NOT NULL,
    fields           jsonb NOT NULL,
    updated_at       timestamptz NOT NULL,
    reserved_version bigint NOT NULL DEFAULT 0,
    lease_until      timestamptz,
    published        boolean NOT NULL DEFAULT true
);

INSERT INTO alert_policy (name, version, tags, fields, updated_at, reserved_version, published)
VALUES ('default', 1, '{}', '{}', now(), 1, false);
