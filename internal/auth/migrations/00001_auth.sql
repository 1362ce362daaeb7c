-- +goose Up
-- Accounts. email is stored lower-case so UNIQUE is case-insensitive on both
-- engines; name_fold is the name lower-cased in Go, because SQLite's LOWER()
-- and PostgreSQL's under the C locale fold ASCII only ("Ángela").
-- roles is a comma-separated list of access.Role values, in access.Roles order.
-- totp_secret holds the pending secret while totp_enabled is false;
-- totp_last_step is the last TOTP time step accepted, so a code is used once.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    name_fold      TEXT NOT NULL,
    language       TEXT NOT NULL,
    roles          TEXT NOT NULL,
    disabled       BOOLEAN NOT NULL,
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL,
    totp_enabled   BOOLEAN NOT NULL,
    totp_last_step BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    last_login_at  BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id, id);

-- Browser sessions. id is the SHA-256 (hex) of the cookie's random token:
-- a copy of this table does not let anyone sign in.
CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    addr             TEXT NOT NULL,
    user_agent       TEXT NOT NULL,
    second_factor_ok BOOLEAN NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- One-time recovery codes for the second factor, SHA-256 (hex) of the code.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, hash)
);

-- Failed sign-in attempts, kept for the throttling window only. In the
-- database rather than in memory so that several servers behind a load
-- balancer count the same attempts.
CREATE TABLE login_failures (
    id    TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    addr  TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- API tokens. hash is the SHA-256 (hex) of the secret; prefix (its first 8
-- characters) lets people recognise a token in lists. scopes is a
-- comma-separated list of access.Scope values. 0 in expires_at means never,
-- in revoked_at and last_used_at not yet.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT NOT NULL
);
CREATE INDEX api_tokens_org ON api_tokens (org_id, id);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE login_failures;
DROP TABLE recovery_codes;
DROP TABLE sessions;
DROP TABLE users;
