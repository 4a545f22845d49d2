-- UI login sessions of the web app, shared by every web instance (the web app is stateless).
-- Only the SHA-256 of the cookie value is stored: a copy of this table does not log anyone in.
CREATE TABLE web_session (
    id_hash     bytea       PRIMARY KEY,
    csrf_token  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);
