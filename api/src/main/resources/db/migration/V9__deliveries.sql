-- Deliveries (capsules-api.md §4, issue 13): one row per delivery (its status lives in its run of
-- workflow_runs, workflow ID delivery-<id>), one result row per destination written by the worker
-- when the delivery ends, credentials sealed with SecretBox (never in a workflow), and the saved
-- targets of each user.

-- Sealed credentials: a JSON object name -> value, sealed under the context
-- delivery-credentials:<id>. A delivery's inline credentials name it (and are erased when it
-- ends); a saved target's are referenced by the target (and deleted with it).
CREATE TABLE delivery_credentials (
    id          UUID        PRIMARY KEY,
    owner_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delivery_id UUID,                                 -- inline credentials of one delivery
    sealed      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX delivery_credentials_delivery_idx ON delivery_credentials (delivery_id)
    WHERE delivery_id IS NOT NULL;

CREATE TABLE delivery_targets (
    id            UUID        PRIMARY KEY,
    tenant_id     TEXT        NOT NULL,
    owner_id      UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT        NOT NULL,
    mode          TEXT        NOT NULL,
    destination   TEXT        NOT NULL,
    options       JSONB       NOT NULL DEFAULT '{}',
    credential_names TEXT[]   NOT NULL DEFAULT '{}',  -- shown; the values are sealed
    credential_id UUID        REFERENCES delivery_credentials (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name)
);

CREATE TABLE deliveries (
    id           UUID        PRIMARY KEY,
    tenant_id    TEXT        NOT NULL,
    owner_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    capsule_id   TEXT        NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,
    version_id   TEXT        NOT NULL,
    destinations JSONB       NOT NULL,                -- mode, destination, options, target_id: no credentials
    workflow_id  TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_capsule_idx ON deliveries (capsule_id, created_at DESC);

CREATE TABLE delivery_results (
    delivery_id UUID        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    position    INTEGER     NOT NULL,
    mode        TEXT        NOT NULL,
    destination TEXT        NOT NULL,
    success     BOOLEAN     NOT NULL,
    url         TEXT,
    signed_url  TEXT,
    checksum    TEXT,
    metadata    JSONB       NOT NULL DEFAULT '{}',
    failure     TEXT,                                 -- a DeliveryFailure name
    error       TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (delivery_id, position)
);

-- capsule.delivered and delivery.failed: one of each per delivery, so a retried activity writes
-- once. They name their version too, so the one-per-version rule of V8_1 covers only the events
-- that are not about a delivery.
ALTER TABLE capsule_events ADD COLUMN delivery_id UUID;
DROP INDEX capsule_events_version_idx;
CREATE UNIQUE INDEX capsule_events_version_idx ON capsule_events (version_id, event)
    WHERE version_id IS NOT NULL AND delivery_id IS NULL;
CREATE UNIQUE INDEX capsule_events_delivery_idx ON capsule_events (delivery_id, event)
    WHERE delivery_id IS NOT NULL;
