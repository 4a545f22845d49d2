-- Web writes without holding a connection while Kafka acknowledges (issue 11, item 8): a short
-- transaction reserves the next version of a target in its row, the change is published with no
-- connection held, and a second short transaction writes the row and clears the lease.
--   reserved_version  the highest version ever handed out for this target (never reused, even
--                     when its publish failed or timed out: a timed-out record may still have
--                     reached the broker)
--   lease_until       while in the future, a write of reserved_version is in flight; other
--                     writers get 409. A web instance that dies mid-write leaves a lease that
--                     simply lapses.
-- The sink's upsert names its columns, so it neither reads nor changes these two.
ALTER TABLE target
    ADD COLUMN reserved_version bigint NOT NULL DEFAULT 0,
    ADD COLUMN lease_until      timestamptz;
