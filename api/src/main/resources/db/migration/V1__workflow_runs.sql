-- Projection of every Shipyard workflow run, written by the worker (JdbcProjectionActivities)
-- and read by the API. Temporal stays the source of truth; this table makes runs listable and
-- filterable by tenant and owner without asking Temporal.
CREATE TABLE workflow_runs (
    workflow_id TEXT PRIMARY KEY,
    kind        TEXT        NOT NULL,
    tenant_id   TEXT,
    owner_id    TEXT,
    status      TEXT        NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
    details     TEXT,
    sequence    BIGINT      NOT NULL DEFAULT 0,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    closed_at   TIMESTAMPTZ
);

CREATE INDEX workflow_runs_running ON workflow_runs (status) WHERE status = 'running';
CREATE INDEX workflow_runs_owner ON workflow_runs (tenant_id, owner_id, started_at DESC);
