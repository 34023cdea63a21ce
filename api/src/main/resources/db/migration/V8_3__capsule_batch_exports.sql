-- Batch exports (capsules-api.md §12): one row per batch (its status lives in its run of
-- workflow_runs, workflow ID capsule-batch-export-<id>), one row per capsule of it, written by the
-- worker when the batch ends. The archives are objects under exports/<batch id>/<capsule id>.<ext>.

CREATE TABLE capsule_batch_exports (
    id           UUID PRIMARY KEY,
    tenant_id    TEXT        NOT NULL,
    owner_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format       TEXT        NOT NULL CHECK (format IN ('zip', 'tar.gz')),
    capsule_ids  TEXT[]      NOT NULL,            -- as asked, in order (1 to 50)
    workflow_id  TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX capsule_batch_exports_owner_idx ON capsule_batch_exports (owner_id, created_at DESC);

CREATE TABLE capsule_batch_export_items (
    batch_id    UUID        NOT NULL REFERENCES capsule_batch_exports (id) ON DELETE CASCADE,
    position    INTEGER     NOT NULL,
    capsule_id  TEXT        NOT NULL,             -- no foreign key: a missing capsule is an item too
    status      TEXT        NOT NULL CHECK (status IN ('success', 'failed')),
    version_id  TEXT,
    size_bytes  BIGINT,
    sha256      TEXT,
    object_key  TEXT,
    error       TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (batch_id, capsule_id)
);
-- "the latest export of this capsule by this caller"
CREATE INDEX capsule_batch_export_items_capsule_idx
    ON capsule_batch_export_items (capsule_id, created_at DESC) WHERE status = 'success';
