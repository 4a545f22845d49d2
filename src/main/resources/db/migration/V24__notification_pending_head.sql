-- The notifier's claim of a channel's oldest pending row (Notifications.claimHead: channel_id = ?
-- AND state = 'pending' ORDER BY id LIMIT 1) as one probe of this index. Without it the planner
-- may walk the channel's whole history in id order (notification_pkey or notification_channel,
-- filtering on state), which grows with every delivered row; notifier bench runs showed a worker
-- falling to a few deliveries per second until autovacuum ran (docs/benchmarks.md, "Notifier").
CREATE INDEX notification_pending_head ON notification (channel_id, id) WHERE state = 'pending';
