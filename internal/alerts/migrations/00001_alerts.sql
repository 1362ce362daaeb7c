-- +goose Up
-- Counters handing out the numeric ids of alerts (name 'alert') and of
-- webhook deliveries (name 'webhook'). A writer takes a block of ids with
-- UPDATE ... RETURNING inside its transaction: the row lock (PostgreSQL) or
-- the single writer (SQLite) makes ids increase in commit order, so a
-- reader that has seen id N will never later see a new id below N (the
-- stream's Last-Event-ID and the digests rely on it).
CREATE TABLE alert_seq (
    name TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO alert_seq (name, last) VALUES ('alert', 0);
INSERT INTO alert_seq (name, last) VALUES ('webhook', 0);
-- 'rules' is a version: every change to a rule raises it, so each process
-- notices rules changed by another and recompiles them.
INSERT INTO alert_seq (name, last) VALUES ('rules', 0);

-- A team's rules: a CEL condition over an event's fields.
CREATE TABLE alert_rules (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    name       TEXT NOT NULL,
    expr       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX alert_rules_org ON alert_rules (org_id, created_at);

-- What the rules matched. The delivery is kept as JSON (harmonisation
-- names), so an alert still says what it was about after the feed's
-- retention removed the event, or the rule was deleted.
CREATE TABLE alerts (
    id          BIGINT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    rule_id     TEXT NOT NULL,
    rule_name   TEXT NOT NULL,
    at          BIGINT NOT NULL,
    delivery_id BIGINT NOT NULL,
    event_json  TEXT NOT NULL
);
CREATE INDEX alerts_org ON alerts (org_id, id);
CREATE INDEX alerts_at ON alerts (at);

-- Endpoints a team's alerts are posted to. The secret signs the posts.
CREATE TABLE alert_webhooks (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX alert_webhooks_org ON alert_webhooks (org_id);

-- Each post of a batch of alerts to one webhook, with its body (a replay
-- sends the same bytes) and its fate. next_attempt also serves as the
-- lease of the process sending it.
CREATE TABLE alert_webhook_deliveries (
    id           BIGINT PRIMARY KEY,
    webhook_id   TEXT NOT NULL REFERENCES alert_webhooks (id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    alerts       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    state        TEXT NOT NULL,
    last_status  INTEGER NOT NULL,
    last_error   TEXT NOT NULL,
    next_attempt BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX alert_webhook_deliveries_due ON alert_webhook_deliveries (state, next_attempt);
CREATE INDEX alert_webhook_deliveries_org ON alert_webhook_deliveries (org_id, id);
CREATE INDEX alert_webhook_deliveries_hook ON alert_webhook_deliveries (webhook_id);

-- E-mail digests: the alerts after last_alert_id, every hour or day.
CREATE TABLE alert_digests (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    email         TEXT NOT NULL,
    every         TEXT NOT NULL,
    last_sent     BIGINT NOT NULL,
    last_alert_id BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX alert_digests_org ON alert_digests (org_id);

-- +goose Down
DROP TABLE alert_digests;
DROP TABLE alert_webhook_deliveries;
DROP TABLE alert_webhooks;
DROP TABLE alerts;
DROP TABLE alert_rules;
DROP TABLE alert_seq;
