CREATE TABLE incident (
  id uuid PRIMARY KEY, target_id text NOT NULL, target_name text NOT NULL,
  lane text NOT NULL CHECK (lane IN ('availability','certificate')),
  state text NOT NULL CHECK (state IN ('open','acknowledged','resolved')),
  severity text NOT NULL, opened_at timestamptz NOT NULL, acknowledged_at timestamptz,
  acknowledged_by text, ack_note text, resolved_at timestamptz, last_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL, cause_result_id uuid NOT NULL, policy text NOT NULL,
  locations jsonb NOT NULL);            -- latest [{location,state,reason?,sinceResultId?}]
CREATE INDEX incident_target ON incident (target_id, opened_at DESC);
CREATE INDEX incident_active ON incident (opened_at DESC) WHERE state <> 'resolved';
CREATE TABLE incident_event (
  incident_id uuid NOT NULL REFERENCES incident (id) ON DELETE CASCADE, seq bigint NOT NULL,
  kind text NOT NULL, severity text NOT NULL, at timestamptz NOT NULL, locations jsonb NOT NULL,
  note text, quorum int NOT NULL, reporting int NOT NULL, PRIMARY KEY (incident_id, seq));
