-- +goose Up
-- A feed's configuration. mapping_json and constants_json are JSON objects
-- of text; auth is the Authorization header of pulls (never shown back).
-- lease_until: the pull of a feed runs in one process at a time; a process
-- takes the lease with a conditional UPDATE (setting pulled_at, when the
-- last pull began, which the schedule counts from) and clears it when done.
CREATE TABLE feeds (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    provider       TEXT NOT NULL,
    format         TEXT NOT NULL,
    source         TEXT NOT NULL,
    url            TEXT NOT NULL,
    dir            TEXT NOT NULL,
    auth           TEXT NOT NULL,
    mapping_json   TEXT NOT NULL,
    constants_json TEXT NOT NULL,
    report         TEXT NOT NULL,
    interval_ms    BIGINT NOT NULL,
    retention_ms   BIGINT NOT NULL,
    tlp            TEXT NOT NULL,
    accuracy       DOUBLE PRECISION NOT NULL,
    push_org_id    TEXT NOT NULL,
    enabled        BOOLEAN NOT NULL,
    lease_until    BIGINT NOT NULL,
    pulled_at      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- The clock of stored ids: events, deliveries and quarantined lines take
-- their ids from this one row, reserved a batch at a time with the row
-- locked, as max(last + 1, now_ms << 10). So ids rise in commit order (the
-- inbox and stream cursor), are unique across the three tables, stay below
-- 2^53 (exact in JavaScript), and an id bounds the time it was stored at:
-- first seen at or after T implies id >= T_ms << 10.
CREATE TABLE feed_seq (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last BIGINT NOT NULL
);
INSERT INTO feed_seq (id, last) VALUES (1, 0);

-- Counts the status page shows, kept by the writer in each batch (a COUNT
-- over millions of events per page view would not do).
CREATE TABLE feed_stats (
    feed_id     TEXT PRIMARY KEY,
    events      BIGINT NOT NULL,
    quarantined BIGINT NOT NULL
);

-- One input (or one pull of several) through the pipeline. updated is the
-- time of the last batch that touched it.
CREATE TABLE feed_runs (
    id           TEXT PRIMARY KEY,
    feed_id      TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    input        TEXT NOT NULL,
    state        TEXT NOT NULL,
    started      BIGINT NOT NULL,
    finished     BIGINT NOT NULL,
    updated      BIGINT NOT NULL,
    lines        BIGINT NOT NULL,
    accepted     BIGINT NOT NULL,
    duplicates   BIGINT NOT NULL,
    quarantined  BIGINT NOT NULL,
    filtered     BIGINT NOT NULL,
    delivered    BIGINT NOT NULL,
    err          TEXT NOT NULL
);
CREATE INDEX feed_runs_feed ON feed_runs (feed_id, id);

-- The opaque state of a feed's pulls (ETag, last modified, cursors),
-- base64, saved only once everything the pull brought is durable.
CREATE TABLE feed_state (
    feed_id    TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Inputs being ingested, by identity (name, size, SHA-256 of the first 64
-- KiB): position is the number of parser callbacks (events and refused
-- lines) whose outcome is durable, written in the same transaction as
-- them. An interrupted input resumes after it; the row goes once the
-- input (or the pull it belongs to) is complete.
CREATE TABLE feed_inputs (
    feed_id  TEXT NOT NULL,
    ident    TEXT NOT NULL,
    run_id   TEXT NOT NULL,
    position BIGINT NOT NULL,
    lines    BIGINT NOT NULL,
    done     BOOLEAN NOT NULL,
    updated  BIGINT NOT NULL,
    PRIMARY KEY (feed_id, ident)
);

-- Lines a run refused, with the reason.
CREATE TABLE feed_quarantine (
    id      BIGINT PRIMARY KEY,
    feed_id TEXT NOT NULL,
    run_id  TEXT NOT NULL,
    line    BIGINT NOT NULL,
    field   TEXT NOT NULL,
    code    TEXT NOT NULL,
    message TEXT NOT NULL,
    raw     TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX feed_quarantine_feed ON feed_quarantine (feed_id, id);

-- Events, one row per feed and content key (dk1, dk2: 128 bits of
-- SHA-256 over the feed id and event.Key), seen repeats times. taxonomy,
-- type and search (lower-cased ip, fqdn, url, malware, identifier) serve
-- the inbox filters; data is the whole event as a JSON object of
-- harmonisation names. No other index: each one costs every insert, and
-- retention walks the id range instead.
CREATE TABLE feed_events (
    id         BIGINT PRIMARY KEY,
    feed_id    TEXT NOT NULL,
    dk1        BIGINT NOT NULL,
    dk2        BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    repeats    BIGINT NOT NULL,
    taxonomy   TEXT NOT NULL,
    type       TEXT NOT NULL,
    search     TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE UNIQUE INDEX feed_events_key ON feed_events (dk1, dk2);

-- One delivery of a new event per organisation that answers for it. The
-- primary key finds an event's deliveries (retention, deletion); the
-- (org_id, id) index is the inbox and the stream, newest or oldest first.
CREATE TABLE feed_deliveries (
    event_id   BIGINT NOT NULL,
    org_id     TEXT NOT NULL,
    id         BIGINT NOT NULL,
    by_rule    TEXT NOT NULL,
    match_key  TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (event_id, org_id)
);
CREATE UNIQUE INDEX feed_deliveries_org ON feed_deliveries (org_id, id);

-- +goose Down
DROP TABLE feed_deliveries;
DROP TABLE feed_events;
DROP TABLE feed_quarantine;
DROP TABLE feed_inputs;
DROP TABLE feed_state;
DROP TABLE feed_runs;
DROP TABLE feed_stats;
DROP TABLE feed_seq;
DROP TABLE feeds;
