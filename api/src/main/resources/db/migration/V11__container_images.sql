-- Container images (deployment-contracts.md /api/container-images): one build workflow per image
-- ('image-<id>'), whose status (building, built, failed; the error) lives in workflow_runs (one
-- status path). This table keeps the business data: what was asked, and what the registry answered
-- after the push (written by the worker's ImageRecord activity). The API inserts the row before it
-- starts the workflow.

CREATE TABLE container_images (
    id            UUID PRIMARY KEY,
    tenant_id     TEXT        NOT NULL REFERENCES tenants (id),
    owner_id      UUID        NOT NULL REFERENCES users (id),
    workflow_id   TEXT        NOT NULL UNIQUE,
    name          TEXT        NOT NULL,               -- the contract's name (last path component)
    repository    TEXT        NOT NULL,               -- the repository in the configured registry
    tag           TEXT        NOT NULL,               -- the current tag (PUT retags)
    description   TEXT,
    capsule_id    TEXT        NOT NULL,
    version_id    TEXT        NOT NULL,
    registry      TEXT        NOT NULL,               -- host[:port] pushed to
    digest        TEXT,                               -- manifest digest, from the registry
    media_type    TEXT,
    size_bytes    BIGINT,                             -- config + layers, from the manifest
    config        JSONB,                              -- {"digest","size","media_type"}
    layers        JSONB,                              -- [{"digest","size","media_type"}]
    stack         TEXT,
    base_image    TEXT,                               -- or 'scratch'
    sbom_path     TEXT,                               -- the CycloneDX file in the image, if any
    failed_step   TEXT,
    failure       TEXT,
    deleted_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX container_images_owner_idx ON container_images (owner_id, created_at DESC)
    WHERE deleted_at IS NULL;
