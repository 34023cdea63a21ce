-- Capsule signing (capsules-api.md §11, issue 12 part 5).
--
-- capsule_signing_keys: one server-managed Ed25519 key pair per tenant at a time. The public key is
-- published (PEM, SubjectPublicKeyInfo); the private key (PKCS#8) is stored only sealed with the
-- secrets module's SecretBox (AES-256-GCM under SECRETS_KEYS, bound to "capsule-signing:<tenant>:
-- <key_id>"). Rotation retires the active key (active = false) and keeps it, so signatures made
-- with it still verify. At most one active key per tenant: creation on first use is
-- INSERT ... ON CONFLICT DO NOTHING on that index, then a read.
CREATE TABLE capsule_signing_keys (
    tenant_id          TEXT        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_id             TEXT        NOT NULL,   -- first 16 hex of sha256(public key DER)
    algorithm          TEXT        NOT NULL CHECK (algorithm = 'Ed25519'),
    public_key_pem     TEXT        NOT NULL,
    private_key_sealed TEXT        NOT NULL,   -- SecretBox v1.<key>.<...>: never the raw key
    active             BOOLEAN     NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at         TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, key_id)
);
CREATE UNIQUE INDEX capsule_signing_keys_one_active ON capsule_signing_keys (tenant_id) WHERE active;

-- Every signature made by POST /capsule/{id}/sign: what was signed (the version's canonical
-- manifest, by digest and key), with which algorithm and key. An HMAC-SHA256 signature has no
-- key_id: the caller's key is never stored.
CREATE TABLE capsule_signatures (
    id              TEXT        PRIMARY KEY,   -- 'sig-<uuid>'
    capsule_id      TEXT        NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,
    version_id      TEXT        NOT NULL REFERENCES capsule_versions (id) ON DELETE CASCADE,
    tenant_id       TEXT        NOT NULL,
    algorithm       TEXT        NOT NULL CHECK (algorithm IN ('Ed25519', 'HMAC-SHA256')),
    key_id          TEXT,                      -- the tenant's Ed25519 key; null for HMAC-SHA256
    signature       TEXT        NOT NULL,      -- base64 (Ed25519) or sha256:<hex> (HMAC-SHA256)
    manifest_sha256 TEXT        NOT NULL,
    manifest_key    TEXT        NOT NULL,      -- manifests/sha256/<digest>.json
    created_by      UUID        REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((algorithm = 'Ed25519') = (key_id IS NOT NULL))
);
CREATE INDEX capsule_signatures_capsule_idx ON capsule_signatures (capsule_id, created_at DESC);
CREATE INDEX capsule_signatures_signature_idx ON capsule_signatures (capsule_id, signature);
