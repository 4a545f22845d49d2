-- Maintenance windows (issue 14). The web owns this table; the alerter and the agents never read
-- it: every change is published to <prefix>.maintenance (key = id, compacted; MaintenanceWindow
-- JSON, delete = tombstone) before the row is written, with the version lease of alert policies
-- (V16) for changes and deletes. A create needs no lease (its random id is nobody else's).
--   scope, schedule   the "scope" and "schedule" objects of the window's event JSON (EventCodec
--                     is the one mapping; a read decodes them through it)
--   reserved_version  the highest version ever handed out for this id (never reused)
--   lease_until       while in the future, a write of reserved_version is in flight (409 to others)
--   published         as in alert_policy; every web instance republishes the stored windows at
--                     their stored version when it starts (under the lease)
CREATE TABLE maintenance_window (
    id               uuid PRIMARY KEY,
    version          bigint NOT NULL CHECK (version >= 1),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    scope            jsonb NOT NULL,
    schedule         jsonb NOT NULL,
    updated_at       timestamptz NOT NULL,
    reserved_version bigint NOT NULL DEFAULT 0,
    lease_until      timestamptz,
    published        boolean NOT NULL DEFAULT true
);
