-- Each UI session is bound to the admin password it was made with: a key derived from that
-- password (PBKDF2, never the password or its hash). A web instance started with another password
-- accepts none of these sessions, and a login with it removes them. Sessions made before this
-- migration have an empty credential and so end: their users log in once more.
ALTER TABLE web_session ADD COLUMN credential bytea NOT NULL DEFAULT '\x'::bytea;
ALTER TABLE web_session ALTER COLUMN credential DROP DEFAULT;
