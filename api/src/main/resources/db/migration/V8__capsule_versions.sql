-- Capsule versions (capsules-api.md §7–10): a DAG of immutable versions per capsule. Each version
-- names a file set by its FileManifest (manifests/sha256/<digest>.json; files are content-addressed
-- blobs, so an unchanged file is stored once however many versions hold it). Branches and tags are
-- names pointing at versions. Version 1 ("Initial version", author "system") is the generated
-- capsule, written by the generation's storing step.

CREATE TABLE capsule_versions (
    id               TEXT PRIMARY KEY,                 -- 'ver-<uuid>'
    capsule_id       TEXT        NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,
    number           INTEGER     NOT NULL CHECK (number >= 1),  -- increases per capsule
    parent_id        TEXT        REFERENCES capsule_versions (id),
    branch           TEXT        NOT NULL,             -- the branch it was created on
    author           TEXT        NOT NULL,
    message          TEXT        NOT NULL,
    manifest_sha256  TEXT        NOT NULL,             -- FileManifest digest
    manifest_key     TEXT        NOT NULL,             -- manifests/sha256/<digest>.json
    file_count       INTEGER     NOT NULL,
    total_size_bytes BIGINT      NOT NULL,
    changes          JSONB       NOT NULL DEFAULT '[]', -- [{"path","type","size"}] as declared
    created_by       UUID        REFERENCES users (id), -- the caller (null for the generated one)
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (capsule_id, number)
);
CREATE INDEX capsule_versions_parent_idx ON capsule_versions (parent_id);

CREATE TABLE capsule_branches (
    capsule_id       TEXT        NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,
    name             TEXT        NOT NULL,
    head_version_id  TEXT        NOT NULL REFERENCES capsule_versions (id),
    from_version_id  TEXT        REFERENCES capsule_versions (id),  -- null for main
    author           TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (capsule_id, name)
);

CREATE TABLE capsule_tags (
    capsule_id  TEXT        NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,
    name        TEXT        NOT NULL,
    version_id  TEXT        NOT NULL REFERENCES capsule_versions (id),
    author      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (capsule_id, name)
);
CREATE INDEX capsule_tags_version_idx ON capsule_tags (version_id);

-- Capsules stored before this migration: their generated file set becomes version 1 on main.
INSERT INTO capsule_versions (id, capsule_id, number, branch, author, message, manifest_sha256,
                              manifest_key, file_count, total_size_bytes, created_at)
SELECT 'ver-' || md5(c.id || '/1')::uuid, c.id, 1, 'main', 'system', 'Initial version',
       substring(c.manifest_key FROM 'manifests/sha256/([0-9a-f]{64})\.json'), c.manifest_key,
       c.file_count, c.total_size_bytes, c.updated_at
FROM capsules c
WHERE c.manifest_key ~ '^manifests/sha256/[0-9a-f]{64}\.json$';

INSERT INTO capsule_branches (capsule_id, name, head_version_id, author, created_at, updated_at)
SELECT v.capsule_id, 'main', v.id, 'system', v.created_at, v.created_at
FROM capsule_versions v;
