-- Status pages (issue 14): public pages of components (groups of targets) with manual posts, and
-- the daily uptime they show. Written by the web app (store.StatusPages, store.StatusPosts); the
-- daily uptime is kept by the sink's storage maintenance (store.Rollups.rollUp refreshes the UTC
-- days of the hours it rolls up, store.DailyUptime).
--   status_page           slug (the URL), title, description, visibility, show_urls (opt-in to
--                         show the targets' URLs; headers, bodies and patterns are never shown),
--                         optional logo stored here (no third-party fetch when a page renders).
--   status_component      a display name of the page's choosing, its position, and its targets.
--   status_post           a manual incident post; status is that of its newest update.
--   status_post_update    the timeline of a post (Markdown, rendered with raw HTML escaped).
--   check_uptime_daily    per target and UTC day: checks and up checks of every location, and the
--                         check-weighted sum of the hourly mean response times.
-- Maintenance (next part of issue 14) will add a component state 'maintenance' and the
-- maintenance checks of a day (a column of check_uptime_daily) for "excluding maintenance".
CREATE TABLE status_page (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    visibility  text NOT NULL CHECK (visibility IN ('public', 'token', 'session')),
    show_urls   boolean NOT NULL DEFAULT false,
    logo        bytea CHECK (octet_length(logo) <= 65536),
    logo_type   text CHECK (logo_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((logo IS NULL) = (logo_type IS NULL))
);

CREATE TABLE status_component (
    id        bigserial PRIMARY KEY,
    page_slug text NOT NULL REFERENCES status_page (slug) ON DELETE CASCADE,
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    position  integer NOT NULL,
    UNIQUE (page_slug, name)
);

-- No foreign key to target: a target deleted later simply drops out of the component.
CREATE TABLE status_component_target (
    component_id bigint NOT NULL REFERENCES status_component (id) ON DELETE CASCADE,
    target_id    text NOT NULL,
    PRIMARY KEY (component_id, target_id)
);
CREATE INDEX status_component_target_target ON status_component_target (target_id);

CREATE TABLE status_post (
    id         bigserial PRIMARY KEY,
    page_slug  text NOT NULL REFERENCES status_page (slug) ON DELETE CASCADE,
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status     text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX status_post_page ON status_post (page_slug, created_at DESC, id DESC);

CREATE TABLE status_post_update (
    id      bigserial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES status_post (id) ON DELETE CASCADE,
    status  text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    body    text NOT NULL CHECK (length(body) <= 20000),
    at      timestamptz NOT NULL
);
CREATE INDEX status_post_update_post ON status_post_update (post_id, at, id);

CREATE TABLE check_uptime_daily (
    target_id    text NOT NULL,
    day          date NOT NULL,
    checks       bigint NOT NULL,
    up_checks    bigint NOT NULL,
    total_us_sum double precision NOT NULL,
    PRIMARY KEY (target_id, day)
);

-- The days of the hourly rollups kept so far.
INSERT INTO check_uptime_daily (target_id, day, checks, up_checks, total_us_sum)
SELECT target_id, (hour AT TIME ZONE 'UTC')::date, sum(checks), sum(up_checks), sum(avg_total_us::double precision * checks)
FROM check_rollup_hourly
GROUP BY 1, 2;
