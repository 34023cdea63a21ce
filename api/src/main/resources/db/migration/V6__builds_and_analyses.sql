-- Builds and code analyses (builds-analysis-api.md). Their run status (running/completed/failed/
-- cancelled, the phase, the error) lives where every run's does, in workflow_runs (one status path);
-- these tables keep the business data: who asked what, and the results. The API inserts the row
-- before it starts the workflow (workflow ID 'build-<task_id>' / 'analysis-<analysis_id>'); the
-- worker writes results when the run ends.

CREATE TABLE builds (
    task_id      UUID PRIMARY KEY,
    tenant_id    TEXT        NOT NULL REFERENCES tenants (id),
    owner_id     UUID        NOT NULL REFERENCES users (id),
    created_by   TEXT        NOT NULL,            -- the owner's username when the build was asked
    project_name TEXT        NOT NULL,
    goal         TEXT        NOT NULL,
    parameters   JSONB       NOT NULL DEFAULT '{}',
    workflow_id  TEXT        NOT NULL UNIQUE,
    capsule_id   TEXT,                             -- the capsule built (set once known)
    version_id   TEXT,                             -- the capsule version produced
    progress     INTEGER     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    results      JSONB,                            -- generated_files, tests_passed, test_coverage, ...
    log_key      TEXT,                             -- object key of the build log blob
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX builds_owner_idx ON builds (owner_id, created_at DESC);

CREATE TABLE analyses (
    analysis_id  UUID PRIMARY KEY,
    tenant_id    TEXT        NOT NULL REFERENCES tenants (id),
    owner_id     UUID        NOT NULL REFERENCES users (id),
    performed_by TEXT        NOT NULL,
    project_name TEXT        NOT NULL,
    capsule_id   TEXT        NOT NULL,
    version_id   TEXT,
    analysis_types TEXT[]    NOT NULL,
    workflow_id  TEXT        NOT NULL UNIQUE,
    progress     INTEGER     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    results      JSONB,                            -- quality_score, security_issues, ... findings
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX analyses_owner_idx ON analyses (owner_id, created_at DESC);

-- Progress events of builds and analyses, outside workflow history, so GET, the events endpoint and
-- the WebSockets answer after the workflow closed and after any restart. seq is per task, starts at
-- 1 and has no gaps: a writer inserts MAX(seq)+1 and retries on a unique violation, so events are
-- committed in seq order and a reader resuming with 'after=<seq>' never misses one. Bounded: a
-- writer keeps at most 1,000 events per task (later progress replaces nothing; the writer stops
-- adding 'progress' events past the bound and always adds the final one).
CREATE TABLE task_events (
    task_id    UUID        NOT NULL,
    seq        BIGINT      NOT NULL CHECK (seq > 0),
    kind       TEXT        NOT NULL CHECK (kind IN ('build', 'analysis')),
    type       TEXT        NOT NULL CHECK (type IN ('progress', 'completion', 'error')),
    status     TEXT        NOT NULL,               -- initializing, running, completed, failed, cancelled
    progress   INTEGER     NOT NULL CHECK (progress BETWEEN 0 AND 100),
    step       TEXT,                               -- the current step, e.g. 'Installing dependencies'
    message    TEXT,
    data       JSONB       NOT NULL DEFAULT '{}',  -- the message's data/results/error fields
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, seq)
);

-- Every new event is announced on channel shipyard_task_events (delivered on commit, so in seq
-- order per task); payload '<task_id>:<seq>'. API instances LISTEN and fan out to WebSockets.
CREATE FUNCTION shipyard_task_event_added() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('shipyard_task_events', NEW.task_id::text || ':' || NEW.seq::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER task_events_added
    AFTER INSERT ON task_events FOR EACH ROW
EXECUTE FUNCTION shipyard_task_event_added();
