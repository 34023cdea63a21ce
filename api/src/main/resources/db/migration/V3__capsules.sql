-- Capsules: one row per generated project. Files live in object storage (content-addressed
-- blobs plus a manifest); this row holds metadata, the final validation and the iteration history.

CREATE TABLE capsules (
    id                    TEXT PRIMARY KEY,
    request_id            TEXT        NOT NULL,
    tenant_id             TEXT        NOT NULL REFERENCES tenants (id),
    owner_id              UUID        NOT NULL REFERENCES users (id),
    status                TEXT        NOT NULL,
    description           TEXT        NOT NULL,
    requirements          TEXT,
    project_name          TEXT,
    constraints           JSONB       NOT NULL DEFAULT '{}',
    metadata              JSONB       NOT NULL DEFAULT '{}',
    engine                TEXT        NOT NULL,
    target_score          DOUBLE PRECISION NOT NULL,
    webhook_url           TEXT,
    workflow_id           TEXT        NOT NULL,
    file_count            INTEGER     NOT NULL DEFAULT 0,
    total_size_bytes      BIGINT      NOT NULL DEFAULT 0,
    confidence_score      DOUBLE PRECISION,
    languages             TEXT[]      NOT NULL DEFAULT '{}',
    frameworks            TEXT[]      NOT NULL DEFAULT '{}',
    manifest_key          TEXT,
    version_key           TEXT,
    plan                  JSONB,
    validation            JSONB,
    preview               JSONB,
    iterations            JSONB,
    refinement_iterations INTEGER     NOT NULL DEFAULT 0,
    error                 TEXT,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX capsules_owner_idx ON capsules (tenant_id, owner_id, created_at DESC);
CREATE INDEX capsules_tenant_idx ON capsules (tenant_id, created_at DESC);

-- Events of capsules (capsules-api.md "Webhooks"), with the delivery of their webhook.
CREATE TABLE capsule_events (
    id             UUID PRIMARY KEY,
    capsule_id     TEXT        NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,
    event          TEXT        NOT NULL,
    payload        JSONB       NOT NULL,
    webhook_url    TEXT,
    attempts       INTEGER     NOT NULL DEFAULT 0,
    delivery_status INTEGER,
    delivery_error TEXT,
    delivered_at   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (capsule_id, event)
);
