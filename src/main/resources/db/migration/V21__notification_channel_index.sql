-- The web's delivery views (issue 13): a channel's latest notifications (the "failing channels"
-- marker on the targets page, the channel's recent deliveries) by one index probe per channel.
CREATE INDEX notification_channel ON notification (channel_id, id);
