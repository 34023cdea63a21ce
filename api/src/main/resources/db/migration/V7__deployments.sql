-- Deployments (container-engine-api.md /v1/deployments, deployment-contracts.md /api/deployments and
-- /api/services): one entity workflow per deployment ('deployment-<id>'). Its status (the phase:
-- pending, deploying, running, updating, stopped, failed, deleting, deleted; the error) lives where
-- every run's does, in workflow_runs (one status path); these tables keep the business data. The API
-- inserts the row before it starts the workflow; the worker's DeploymentRecord activity keeps the
-- observed columns and the releases up to date.

CREATE TABLE deployments (
    id                 UUID PRIMARY KEY,
    tenant_id          TEXT        NOT NULL REFERENCES tenants (id),
    owner_id           UUID        NOT NULL REFERENCES users (id),
    app_name           TEXT        NOT NULL,
    workflow_id        TEXT        NOT NULL UNIQUE,
    namespace          TEXT        NOT NULL,         -- where its objects live (DeploymentObjects)
    object_name        TEXT        NOT NULL,         -- the name of its Deployment and Service
    image              TEXT        NOT NULL,         -- the desired image, as last asked
    port               INTEGER     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    replicas           INTEGER     NOT NULL CHECK (replicas >= 0),   -- desired
    available_replicas INTEGER     NOT NULL DEFAULT 0,               -- observed
    resources          JSONB,                        -- {"cpu","memory"}
    health_check       JSONB,                        -- {"path","initial_delay_seconds",...}
    env_names          TEXT[]      NOT NULL DEFAULT '{}',  -- values are sealed in deployment_secrets
    secrets_revision   INTEGER     NOT NULL DEFAULT 1,     -- the revision of the desired spec
    digest             TEXT,                         -- the image digest the current release runs
    url                TEXT        NOT NULL,
    helm_chart_id      TEXT,                         -- deployment-contracts.md create (a reference)
    idempotency_key    TEXT,                         -- Idempotency-Key of the create, if any
    request_hash       TEXT,                         -- sha256 of the create's canonical body
    deployed_at        TIMESTAMPTZ,
    deleted_at         TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- 409 on a duplicate app_name of the same user (a deleted deployment frees its name).
CREATE UNIQUE INDEX deployments_app_name ON deployments (owner_id, app_name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX deployments_idempotency ON deployments (owner_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX deployments_owner_idx ON deployments (owner_id, created_at DESC) WHERE deleted_at IS NULL;

-- Environment values and registry credentials, sealed by the API (secrets/SecretBox, AES-GCM, the
-- key ID inside each value) and opened only by the activity that writes the cluster's Secret. A
-- revision is immutable: an update with new values adds one, a rollback reuses an older one.
-- Contexts: 'deployment:<id>:env:<revision>' and 'deployment:<id>:registry:<revision>'.
CREATE TABLE deployment_secrets (
    deployment_id   UUID        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    revision        INTEGER     NOT NULL CHECK (revision > 0),
    env_sealed      TEXT,                            -- a JSON object name -> value, sealed
    registry_sealed TEXT,                            -- {"username","password"}, sealed
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (deployment_id, revision)
);

-- Every release (an accepted change of what runs), written by the worker. The workflow keeps the
-- newest in its state; older ones are read from here when a rollback names them.
CREATE TABLE deployment_releases (
    deployment_id UUID        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    number        INTEGER     NOT NULL CHECK (number > 0),
    change        TEXT        NOT NULL,              -- create, update, scale, stop, start, rollback, auto-rollback
    spec          JSONB       NOT NULL,              -- DeploymentSpec (no secret)
    digest        TEXT,
    author        TEXT        NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('rolling_out', 'healthy', 'failed', 'superseded')),
    reason        TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (deployment_id, number)
);
CREATE INDEX deployment_releases_digest ON deployment_releases (deployment_id, digest);

-- Custom domains. A host belongs to one deployment at a time (409 otherwise): the API reserves it
-- here before it asks the workflow, and frees it when the workflow refuses or the domain is removed.
CREATE TABLE deployment_domains (
    id            UUID PRIMARY KEY,
    deployment_id UUID        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    host          TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX deployment_domains_host ON deployment_domains (lower(host));

-- Extra Services of a deployment (deployment-contracts.md /api/services).
CREATE TABLE deployment_services (
    id            UUID PRIMARY KEY,
    deployment_id UUID        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    tenant_id     TEXT        NOT NULL REFERENCES tenants (id),
    owner_id      UUID        NOT NULL REFERENCES users (id),
    name          TEXT        NOT NULL,
    type          TEXT        NOT NULL CHECK (type IN ('ClusterIP', 'NodePort', 'LoadBalancer')),
    port          INTEGER     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    target_port   INTEGER     NOT NULL CHECK (target_port BETWEEN 1 AND 65535),
    protocol      TEXT        NOT NULL CHECK (protocol IN ('TCP', 'UDP')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (deployment_id, name)
);

-- Notifications for /v1/ws/notifications (deployment_status_changed, test notifications): written
-- by the worker (and the API's test endpoint), announced on channel shipyard_notifications with the
-- row's id, pushed by every API instance to its sockets of that user. Kept 7 days.
CREATE TABLE notifications (
    id            BIGSERIAL PRIMARY KEY,
    user_id       UUID        NOT NULL,
    type          TEXT        NOT NULL,
    deployment_id UUID,
    payload       JSONB       NOT NULL,              -- the event as sent: {type, deployment_id, timestamp, data}
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);

CREATE FUNCTION shipyard_notification_added() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('shipyard_notifications', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER notifications_added
    AFTER INSERT ON notifications FOR EACH ROW
EXECUTE FUNCTION shipyard_notification_added();
