-- Notifications (issue 13): channels, the outbox the notifier delivers from, every attempt, and
-- the reminder/escalation schedule of open incidents. See docs/architecture.md "Notifier".

CREATE TABLE notify_channel (
    id              text        PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,64}$'),
    type            text        NOT NULL,
    name            text        NOT NULL,
    is_default      boolean     NOT NULL DEFAULT false,
    min_severity    text        NOT NULL DEFAULT 'certificate',
    send_resolved   boolean     NOT NULL DEFAULT true,
    route_policies  text[]      NOT NULL DEFAULT '{}',
    route_tags      text[]      NOT NULL DEFAULT '{}',
    settings        jsonb       NOT NULL DEFAULT '{}',
    -- Secret settings (URLs with tokens, keys, passwords): never returned by the API.
    secrets         jsonb       NOT NULL DEFAULT '{}',
    templates       jsonb       NOT NULL DEFAULT '{}',
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The outbox: one row per (transition or reminder or escalation step) x channel.
CREATE TABLE notification (
    id              bigserial   PRIMARY KEY,
    dedup_key       text        NOT NULL UNIQUE,
    channel_id      text        NOT NULL REFERENCES notify_channel (id) ON DELETE CASCADE,
    incident_id     uuid,
    seq             bigint,
    kind            text        NOT NULL CHECK (kind IN ('OPENED', 'UPDATED', 'ACKNOWLEDGED', 'RESOLVED',
                                                         'REMINDER', 'ESCALATION', 'TEST', 'GIVE_UP')),
    target_id       text,
    severity        text,
    payload         jsonb       NOT NULL,
    state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    due_at          timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text,
    group_id        bigint
);
CREATE INDEX notification_pending ON notification (channel_id, due_at, id) WHERE state = 'pending';
CREATE INDEX notification_incident ON notification (incident_id, id);

CREATE TABLE notification_attempt (
    notification_id bigint      NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
    attempt         integer     NOT NULL,
    at              timestamptz NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed', 'refused')),
    http_status     integer,
    smtp_reply      text,
    latency_ms      integer     NOT NULL,
    next_retry_at   timestamptz,
    detail          text,
    PRIMARY KEY (notification_id, attempt)
);

-- Reminders and escalation of open incidents; the scheduler updates a row and inserts the
-- notifications it causes in one transaction, so a restart neither repeats nor skips a step.
CREATE TABLE notify_schedule (
    incident_id      uuid        PRIMARY KEY,
    target_id        text        NOT NULL,
    policy           text        NOT NULL,
    opened_at        timestamptz NOT NULL,
    acknowledged     boolean     NOT NULL DEFAULT false,
    resolved         boolean     NOT NULL DEFAULT false,
    next_reminder_at timestamptz,
    reminders_sent   integer     NOT NULL DEFAULT 0,
    next_step        integer     NOT NULL DEFAULT 0,
    next_step_at     timestamptz,
    last_event       jsonb       NOT NULL
);
CREATE INDEX notify_schedule_due ON notify_schedule (LEAST(next_reminder_at, next_step_at))
    WHERE NOT acknowledged AND NOT resolved;

ALTER TABLE alert_policy ADD COLUMN notify jsonb NOT NULL DEFAULT '{}';
