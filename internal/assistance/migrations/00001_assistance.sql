-- +goose Up
-- The sequence of request numbers, one row per year: a request's number is
-- TA-<year>-<seq>. The row is bumped with an upsert inside the creating
-- transaction, so concurrent creations queue on it and never share a number.
CREATE TABLE assistance_counters (
    year BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL
);

-- A request. form_json holds the whole Form as the requester filled it;
-- country, institution and need are copied out of it for filters. due_at is
-- when the current step is overdue (0: never), recomputed on every change
-- that moves it; reminded_at is when the last overdue reminder went out.
CREATE TABLE assistance_requests (
    id                 TEXT PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    year               BIGINT NOT NULL,
    seq                BIGINT NOT NULL,
    country            TEXT NOT NULL,
    institution        TEXT NOT NULL,
    need               TEXT NOT NULL,
    form_json          TEXT NOT NULL,
    state              TEXT NOT NULL,
    state_since        BIGINT NOT NULL,
    consideration_json TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    created_by_org     TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    submitted_at       BIGINT NOT NULL,
    ended_at           BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL,
    due_at             BIGINT NOT NULL,
    reminded_at        BIGINT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX assistance_requests_country ON assistance_requests (country, year, seq);
CREATE INDEX assistance_requests_state ON assistance_requests (state);
CREATE INDEX assistance_requests_due ON assistance_requests (due_at);

-- Every move of the workflow; n orders the moves of one request (several
-- may share a millisecond).
CREATE TABLE assistance_transitions (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES assistance_requests (id),
    n          BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    by_user_id TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    at         BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    UNIQUE (request_id, n)
);

-- Files attached to a request. BYTEA is a blob on PostgreSQL; on SQLite the
-- name gives numeric affinity, which leaves blob values untouched.
CREATE TABLE assistance_attachments (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES assistance_requests (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    by_user_id   TEXT NOT NULL,
    at           BIGINT NOT NULL,
    content      BYTEA NOT NULL
);
CREATE INDEX assistance_attachments_request ON assistance_attachments (request_id);

-- Funding proposals to donors. Amounts are minor units; pledged_at and
-- received_at are when the proposal reached those statuses (the annual
-- report counts money by them).
CREATE TABLE assistance_proposals (
    id                 TEXT PRIMARY KEY,
    request_id         TEXT NOT NULL REFERENCES assistance_requests (id),
    donor_org_id       TEXT NOT NULL,
    donor              TEXT NOT NULL,
    status             TEXT NOT NULL,
    requested_amount   BIGINT NOT NULL,
    requested_currency TEXT NOT NULL,
    pledged_amount     BIGINT NOT NULL,
    pledged_currency   TEXT NOT NULL,
    received_amount    BIGINT NOT NULL,
    received_currency  TEXT NOT NULL,
    note               TEXT NOT NULL,
    pledged_at         BIGINT NOT NULL,
    received_at        BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL
);
CREATE INDEX assistance_proposals_request ON assistance_proposals (request_id);

-- The situational analysis; participants_json maps sector to people.
CREATE TABLE assistance_analyses (
    id                TEXT PRIMARY KEY,
    request_id        TEXT NOT NULL REFERENCES assistance_requests (id),
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    day               TEXT NOT NULL,
    place             TEXT NOT NULL,
    participants_json TEXT NOT NULL,
    findings          TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX assistance_analyses_request ON assistance_analyses (request_id);

-- The action plan. Days are YYYY-MM-DD, which compare as text.
CREATE TABLE assistance_activities (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL REFERENCES assistance_requests (id),
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    start_day       TEXT NOT NULL,
    end_day         TEXT NOT NULL,
    budget_amount   BIGINT NOT NULL,
    budget_currency TEXT NOT NULL,
    state           TEXT NOT NULL,
    delivered_on    TEXT NOT NULL,
    people_trained  BIGINT NOT NULL,
    results         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX assistance_activities_request ON assistance_activities (request_id);
CREATE INDEX assistance_activities_delivered ON assistance_activities (delivered_on);

CREATE TABLE assistance_monitoring (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES assistance_requests (id),
    day        TEXT NOT NULL,
    note       TEXT NOT NULL,
    by_user_id TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX assistance_monitoring_request ON assistance_monitoring (request_id);

-- Adjustments of the plan; new_budget_set tells a new budget of zero from
-- no new budget.
CREATE TABLE assistance_adjustments (
    id                  TEXT PRIMARY KEY,
    request_id          TEXT NOT NULL REFERENCES assistance_requests (id),
    activity_id         TEXT NOT NULL REFERENCES assistance_activities (id),
    source              TEXT NOT NULL,
    reason              TEXT NOT NULL,
    new_start           TEXT NOT NULL,
    new_end             TEXT NOT NULL,
    new_budget_set      BOOLEAN NOT NULL,
    new_budget_amount   BIGINT NOT NULL,
    new_budget_currency TEXT NOT NULL,
    cancel              BOOLEAN NOT NULL,
    by_user_id          TEXT NOT NULL,
    at                  BIGINT NOT NULL
);
CREATE INDEX assistance_adjustments_request ON assistance_adjustments (request_id);

CREATE TABLE assistance_missions (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES assistance_requests (id),
    kind       TEXT NOT NULL,
    start_day  TEXT NOT NULL,
    end_day    TEXT NOT NULL,
    places     TEXT NOT NULL,
    staff_json TEXT NOT NULL,
    report     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX assistance_missions_request ON assistance_missions (request_id);

-- One external evaluation per request; challenges_json is a list of text.
CREATE TABLE assistance_evaluations (
    request_id      TEXT PRIMARY KEY REFERENCES assistance_requests (id),
    evaluator       TEXT NOT NULL,
    day             TEXT NOT NULL,
    results         TEXT NOT NULL,
    challenges_json TEXT NOT NULL,
    at              BIGINT NOT NULL
);

-- The roster of experts and partner institutions. The list columns are
-- JSON arrays; the roster is small and filtered in Go.
CREATE TABLE assistance_experts (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    institution    TEXT NOT NULL,
    sector         TEXT NOT NULL,
    fields_json    TEXT NOT NULL,
    languages_json TEXT NOT NULL,
    available_json TEXT NOT NULL,
    conflicts_json TEXT NOT NULL,
    conflict_note  TEXT NOT NULL,
    active         BOOLEAN NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL
);

-- Experts on activities and missions. The busy check looks them up by
-- expert.
CREATE TABLE assistance_activity_experts (
    activity_id TEXT NOT NULL REFERENCES assistance_activities (id),
    expert_id   TEXT NOT NULL REFERENCES assistance_experts (id),
    PRIMARY KEY (activity_id, expert_id)
);
CREATE INDEX assistance_activity_experts_expert ON assistance_activity_experts (expert_id);

CREATE TABLE assistance_mission_experts (
    mission_id TEXT NOT NULL REFERENCES assistance_missions (id),
    expert_id  TEXT NOT NULL REFERENCES assistance_experts (id),
    PRIMARY KEY (mission_id, expert_id)
);
CREATE INDEX assistance_mission_experts_expert ON assistance_mission_experts (expert_id);

-- +goose Down
DROP TABLE assistance_mission_experts;
DROP TABLE assistance_activity_experts;
DROP TABLE assistance_experts;
DROP TABLE assistance_evaluations;
DROP TABLE assistance_missions;
DROP TABLE assistance_adjustments;
DROP TABLE assistance_monitoring;
DROP TABLE assistance_activities;
DROP TABLE assistance_analyses;
DROP TABLE assistance_proposals;
DROP TABLE assistance_attachments;
DROP TABLE assistance_transitions;
DROP TABLE assistance_requests;
DROP TABLE assistance_counters;
