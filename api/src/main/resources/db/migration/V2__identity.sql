-- Identity and access: tenants, users, sessions with rotating refresh tokens, password resets,
-- API keys and the security audit trail. Secrets are never stored: passwords as Argon2id hashes,
-- refresh/reset tokens and API keys as SHA-256 digests of high-entropy random values.

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Self-registered users join this tenant; its admins are the operators (they may create tenants).
INSERT INTO tenants (id, name) VALUES ('default', 'Default tenant');

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    tenant_id       TEXT        NOT NULL REFERENCES tenants (id),
    username        TEXT        NOT NULL,
    email           TEXT        NOT NULL,
    password_hash   TEXT        NOT NULL,
    role            TEXT        NOT NULL CHECK (role IN ('viewer', 'user', 'premium', 'admin')),
    is_active       BOOLEAN     NOT NULL DEFAULT TRUE,
    failed_logins   INTEGER     NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    last_login      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant_idx ON users (tenant_id, created_at);

-- One row per login: the family of refresh tokens it rotates through. Revoking it (logout,
-- refresh-token reuse, password change) invalidates its access tokens too.
CREATE TABLE sessions (
    id             UUID PRIMARY KEY,
    user_id        UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    revoked_reason TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash BYTEA PRIMARY KEY,
    session_id UUID        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE password_reset_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE TABLE api_keys (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT        NOT NULL REFERENCES tenants (id),
    owner_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT        NOT NULL,
    description TEXT,
    key_hash    BYTEA       NOT NULL UNIQUE,
    key_prefix  TEXT        NOT NULL,
    scopes      TEXT[],
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ,
    last_used   TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_owner_idx ON api_keys (owner_id, created_at);

CREATE TABLE audit_events (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    tenant_id  TEXT,
    actor_id   UUID,
    api_key_id UUID,
    event      TEXT        NOT NULL,
    outcome    TEXT        NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    subject    TEXT,
    ip         TEXT,
    request_id TEXT,
    details    JSONB
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, at DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at DESC);
