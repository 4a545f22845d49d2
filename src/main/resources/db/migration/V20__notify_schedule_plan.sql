-- Reminders and escalation (issue 13): what a schedule row needs besides V17's columns.
--   channels  the channels that got the incident's OPENED (the engine's routing): reminders go to them
--   notify    the policy's alert_policy.notify when the incident opened; the incident keeps this plan
--             for its life, so a policy edit or a restart never moves a step already planned
ALTER TABLE notify_schedule ADD COLUMN channels text[] NOT NULL DEFAULT '{}';
ALTER TABLE notify_schedule ADD COLUMN notify jsonb NOT NULL DEFAULT '{}';
