-- Incidents decided by the alerter (issue 12), stored by the sink from <prefix>.incidents in its
-- batch transaction (offsets in sink_offset, like results); the web reads them.
--   incident        one row per incident: its latest state, folded from its events. state only
--                   moves forward (open -> acknowledged -> resolved); severity, locations,
--                   last_seq and the other latest-event columns only move to a higher seq.
--   incident_event  every transition (OPENED, UPDATED, ACKNOWLEDGED, RESOLVED) once, by
--                   (incident_id, seq).
-- lane = 'certificate' iff severity = 'certificate' (at most one open incident per lane and target).
CREATE TABLE incident (
    id              uuid PRIMARY KEY,
    target_id       text NOT NULL,
    target_name     text NOT NULL,
    lane            text NOT NULL CHECK (lane IN ('availability', 'certificate')),
    state           text NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    severity        text NOT NULL,
    opened_at       timestamptz NOT NULL,
    acknowledged_at timestamptz,
    acknowledged_by text,
    ack_note        text,
    resolved_at     timestamptz,
    last_seq        bigint NOT NULL,
    updated_at      timestamptz NOT NULL,
    cause_result_id uuid NOT NULL,
    policy          text NOT NULL,
    locations       jsonb NOT NULL  -- latest [{location, state, reason?, sinceResultId?}]
);
CREATE INDEX incident_target ON incident (target_id, opened_at DESC);
CREATE INDEX incident_active ON incident (opened_at DESC) WHERE state <> 'resolved';

CREATE TABLE incident_event (
    incident_id uuid NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    seq         bigint NOT NULL,
    kind        text NOT NULL,
    severity    text NOT NULL,
    at          timestamptz NOT NULL,
    locations   jsonb NOT NULL,
    note        text,
    quorum      int NOT NULL,
    reporting   int NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
