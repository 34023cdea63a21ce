-- Durable Standard Webhooks (issue 13, items 6-7). README: Webhooks.

-- A user's subscriptions. Secrets are sealed with SecretBox (SECRETS_KEYS), context
-- "webhook:<id>:secret"; the previous secret of a rotation stays valid until previous_expires_at.
CREATE TABLE webhook_subscriptions (
    id                     UUID PRIMARY KEY,
    tenant_id              TEXT        NOT NULL,
    owner_id               UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url                    TEXT        NOT NULL,
    events                 TEXT[]      NOT NULL DEFAULT '{}',   -- empty = every event
    description            TEXT,
    secret_sealed          TEXT        NOT NULL,
    previous_secret_sealed TEXT,
    previous_expires_at    TIMESTAMPTZ,
    failing_since          TIMESTAMPTZ,                         -- first failed attempt since the last success
    disabled_at            TIMESTAMPTZ,
    disabled_reason        TEXT,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_owner_idx ON webhook_subscriptions (owner_id, created_at DESC);

-- The outbox: one row per event, committed with its cause. capsule_events rows are copied here by a
-- trigger in the same transaction (capsule.created, version.created, and whatever else is written
-- there); deployment events are inserted directly by the deployment's event activity. The worker's
-- relay turns unrelayed rows into one delivery workflow per (message, endpoint).
CREATE TABLE webhook_outbox (
    id          UUID PRIMARY KEY,                 -- the message ID (webhook-id, X-Shipyard-Delivery)
    source      TEXT        NOT NULL,             -- capsule | deployment
    event       TEXT        NOT NULL,
    owner_id    UUID,
    tenant_id   TEXT,
    capsule_id  TEXT,
    payload     JSONB       NOT NULL,             -- capsule: the event's data; deployment: the body
    webhook_url TEXT,                             -- the per-request webhook_url (v2 async API)
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    relayed_at  TIMESTAMPTZ
);
CREATE INDEX webhook_outbox_pending_idx ON webhook_outbox (created_at) WHERE relayed_at IS NULL;
CREATE INDEX webhook_outbox_owner_idx ON webhook_outbox (owner_id);

-- Every attempt of every delivery workflow: what a subscriber lists, and what the per-request
-- webhook_url's capsule_events columns summarise.
CREATE TABLE webhook_attempts (
    id               BIGSERIAL PRIMARY KEY,
    message_id       UUID        NOT NULL,
    subscription_id  UUID REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    endpoint         TEXT        NOT NULL,        -- subscription | request | configured
    workflow_id      TEXT        NOT NULL,
    attempt          INTEGER     NOT NULL,
    status           TEXT        NOT NULL,        -- delivered | failed | gone | refused
    response_code    INTEGER,
    duration_ms      BIGINT      NOT NULL,
    response_excerpt TEXT,
    error            TEXT,
    attempted_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (workflow_id, attempt)
);
CREATE INDEX webhook_attempts_subscription_idx ON webhook_attempts (subscription_id, id DESC);

CREATE FUNCTION shipyard_webhook_outbox_from_capsule_event() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO webhook_outbox (id, source, event, owner_id, tenant_id, capsule_id, payload,
                                webhook_url, created_at)
    SELECT NEW.id, 'capsule', NEW.event, c.owner_id, c.tenant_id, NEW.capsule_id, NEW.payload,
           NEW.webhook_url, NEW.created_at
    FROM capsules c WHERE c.id = NEW.capsule_id
    ON CONFLICT (id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER capsule_events_to_webhook_outbox
    AFTER INSERT ON capsule_events FOR EACH ROW
EXECUTE FUNCTION shipyard_webhook_outbox_from_capsule_event();

-- Wakes the relay at once (it also polls, so a lost notification only delays).
CREATE FUNCTION shipyard_webhook_outbox_added() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('shipyard_webhooks', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_outbox_added
    AFTER INSERT ON webhook_outbox FOR EACH ROW
EXECUTE FUNCTION shipyard_webhook_outbox_added();
