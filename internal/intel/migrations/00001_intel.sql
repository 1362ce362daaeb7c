-- +goose Up
-- The clock of date added: one row holding the last value given, in
-- microseconds. Put reads it with the row locked, hands out
-- max(now, last+1) per stored version and writes it back, so "added" is
-- unique and strictly increasing in commit order and TAXII added_after
-- paging never skips objects that share a millisecond.
CREATE TABLE intel_clock (
    id      INTEGER PRIMARY KEY,
    last_us BIGINT NOT NULL
);
INSERT INTO intel_clock (id, last_us) VALUES (1, 0);

-- Sharing of an object: one row per STIX id, for every version of it. Only
-- the creator organisation (org_id) changes it. groups_json and orgs_json
-- repeat intel_recipients as JSON arrays, so a read confirms each row with
-- access.CanSeeIntel without another query.
CREATE TABLE intel_sharing (
    stix_id     TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    tlp         TEXT NOT NULL,
    members     BOOLEAN NOT NULL,
    groups_json TEXT NOT NULL,
    orgs_json   TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX intel_sharing_org ON intel_sharing (org_id);

-- Distribution to sharing groups (kind 'group') and named organisations
-- (kind 'org'), for the visibility prefilter in SQL.
CREATE TABLE intel_recipients (
    stix_id TEXT NOT NULL REFERENCES intel_sharing (stix_id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    ref_id  TEXT NOT NULL,
    PRIMARY KEY (stix_id, kind, ref_id)
);
CREATE INDEX intel_recipients_ref ON intel_recipients (kind, ref_id);

-- Every stored version of every object. version is the modified text (or
-- created, or '' for SCOs); added_us is the TAXII date added.
CREATE TABLE intel_objects (
    stix_id      TEXT NOT NULL REFERENCES intel_sharing (stix_id),
    version      TEXT NOT NULL,
    type         TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_lc      TEXT NOT NULL,
    created      BIGINT NOT NULL,
    modified     BIGINT NOT NULL,
    added_us     BIGINT NOT NULL,
    org_id       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    revoked      BOOLEAN NOT NULL,
    latest       BOOLEAN NOT NULL,
    is_first     BOOLEAN NOT NULL,
    raw          TEXT NOT NULL,
    PRIMARY KEY (stix_id, version)
);
CREATE UNIQUE INDEX intel_objects_added ON intel_objects (added_us);
CREATE INDEX intel_objects_type ON intel_objects (type, latest);
CREATE INDEX intel_objects_latest ON intel_objects (latest, added_us);
CREATE INDEX intel_objects_name ON intel_objects (name_lc);

-- Correlation index: the normalised observable values of each object's
-- latest version.
CREATE TABLE intel_values (
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL,
    stix_id TEXT NOT NULL,
    PRIMARY KEY (kind, value, stix_id)
);
CREATE INDEX intel_values_object ON intel_values (stix_id);

-- Links between objects stated by the latest version of owner_id: a
-- relationship (via = relationship_type, from = source, to = target), a
-- report's or grouping's object_refs (via 'object_ref'), a sighting's
-- sighting_of_ref (via 'sighting_of').
CREATE TABLE intel_links (
    owner_id TEXT NOT NULL,
    from_id  TEXT NOT NULL,
    via      TEXT NOT NULL,
    to_id    TEXT NOT NULL,
    PRIMARY KEY (owner_id, from_id, via, to_id)
);
CREATE INDEX intel_links_from ON intel_links (from_id);
CREATE INDEX intel_links_to ON intel_links (to_id);

-- Sharing groups, kept by their owner organisation. The owner is always a
-- member row too, so one query answers "which groups is this org in".
CREATE TABLE intel_groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_org   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE TABLE intel_group_members (
    group_id TEXT NOT NULL REFERENCES intel_groups (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL,
    PRIMARY KEY (group_id, org_id)
);
CREATE INDEX intel_group_members_org ON intel_group_members (org_id);

-- Sightings: what the sighting objects say, for the indicator's page.
CREATE TABLE intel_sightings (
    stix_id      TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    sight_count  INTEGER NOT NULL,
    first_seen   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    where_text   TEXT NOT NULL
);
CREATE INDEX intel_sightings_indicator ON intel_sightings (indicator_id);

CREATE TABLE intel_notifications (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    object_id  TEXT NOT NULL,
    by_org     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    is_read    BOOLEAN NOT NULL
);
CREATE INDEX intel_notifications_org ON intel_notifications (org_id, created_at);

-- Custom TAXII collections (the defaults are computed, not stored) and the
-- objects added through them.
CREATE TABLE intel_collections (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    alias       TEXT NOT NULL,
    tlp         TEXT NOT NULL,
    members     BOOLEAN NOT NULL,
    groups_json TEXT NOT NULL,
    orgs_json   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE TABLE intel_collection_objects (
    collection_id TEXT NOT NULL REFERENCES intel_collections (id) ON DELETE CASCADE,
    stix_id       TEXT NOT NULL,
    PRIMARY KEY (collection_id, stix_id)
);
CREATE INDEX intel_collection_objects_obj ON intel_collection_objects (stix_id);

-- TAXII status resources after a POST, kept 7 days.
CREATE TABLE intel_statuses (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX intel_statuses_created ON intel_statuses (created_at);

-- +goose Down
DROP TABLE intel_statuses;
DROP TABLE intel_collection_objects;
DROP TABLE intel_collections;
DROP TABLE intel_notifications;
DROP TABLE intel_sightings;
DROP TABLE intel_group_members;
DROP TABLE intel_groups;
DROP TABLE intel_links;
DROP TABLE intel_values;
DROP TABLE intel_objects;
DROP TABLE intel_recipients;
DROP TABLE intel_sharing;
DROP TABLE intel_clock;
