-- +goose Up
-- Organisations of the program: the secretariat, the member teams (CSIRTs),
-- ministries, partners and donors. The auth package joins kind =
-- 'secretariat' to recognise secretariat staff: keep the column and value.
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '', -- ISO 3166-1 alpha-2; '' for regional bodies
    description TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    -- name and short name, lower case without accents, computed in Go so
    -- both engines search alike ("mexico" finds "México").
    search_text TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- Short names identify organisations in speech and in the demo: unique,
-- whatever the case, when given.
CREATE UNIQUE INDEX organizations_short_name ON organizations (lower(short_name)) WHERE short_name <> '';
CREATE INDEX organizations_country ON organizations (country, kind);
CREATE INDEX organizations_kind ON organizations (kind);

-- The team-directory profile of a CSIRT, one row per team organisation.
CREATE TABLE team_profiles (
    org_id             TEXT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    constituency       TEXT NOT NULL DEFAULT '', -- who the team serves, in words
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    emergency_phone    TEXT NOT NULL DEFAULT '', -- 24/7
    website            TEXT NOT NULL DEFAULT '',
    pgp_key            TEXT NOT NULL DEFAULT '', -- ASCII-armored public key
    pgp_fingerprint    TEXT NOT NULL DEFAULT '', -- 40 upper-case hex digits
    business_hours     TEXT NOT NULL DEFAULT '',
    time_zone          TEXT NOT NULL DEFAULT '', -- IANA name
    established        TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    first_member       BOOLEAN NOT NULL DEFAULT FALSE,
    first_member_since TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    status             TEXT NOT NULL DEFAULT 'active',
    sector             TEXT NOT NULL DEFAULT ''
);

CREATE TABLE people (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    name       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_org ON people (org_id, name);

-- Points of contact of the member states. A row is never deleted: a new
-- nomination ends the current one (ended_on), so the history stays.
CREATE TABLE contacts (
    id           TEXT PRIMARY KEY,
    country      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES people (id),
    nominated_on TEXT NOT NULL,           -- YYYY-MM-DD
    ended_on     TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD; '' while current
    note         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
-- At most one current contact of each kind per country.
CREATE UNIQUE INDEX contacts_current ON contacts (country, kind) WHERE ended_on = '';
CREATE INDEX contacts_history ON contacts (country, kind, nominated_on);

-- What each team answers for: prefixes, AS numbers and domains, in the
-- canonical text of the directory package's parsers.
CREATE TABLE constituency (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    kind       TEXT NOT NULL, -- prefix | asn | domain
    value      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL -- user id
);
CREATE UNIQUE INDEX constituency_value ON constituency (org_id, kind, value);
CREATE INDEX constituency_kind_value ON constituency (kind, value);

-- +goose Down
DROP TABLE constituency;
DROP TABLE contacts;
DROP TABLE people;
DROP TABLE team_profiles;
DROP TABLE organizations;
