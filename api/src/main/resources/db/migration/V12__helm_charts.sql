-- Helm charts (deployment-contracts.md /api/helm-charts): a chart per owner and name, and its
-- versions, each a packaged chart (.tgz) in object storage validated by one workflow
-- ('helm-chart-<id>@<version>', HelmChartValidationWorkflow). The status of a version (phase
-- validating, valid or invalid) lives in workflow_runs like every run's; these tables keep the
-- business data and helm's messages, which the worker's validation activity writes.

CREATE TABLE helm_charts (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT        NOT NULL REFERENCES tenants (id),
    owner_id    UUID        NOT NULL REFERENCES users (id),
    name        TEXT        NOT NULL,
    version     TEXT        NOT NULL,   -- the current version (a row of helm_chart_versions)
    source      TEXT        NOT NULL CHECK (source IN ('metadata', 'upload', 'capsule', 'deployment')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, owner_id, name)
);

CREATE INDEX helm_charts_owner ON helm_charts (tenant_id, owner_id, created_at DESC);

CREATE TABLE helm_chart_versions (
    chart_id        UUID        NOT NULL REFERENCES helm_charts (id) ON DELETE CASCADE,
    version         TEXT        NOT NULL,
    description     TEXT,
    app_version     TEXT,
    content_sha256  TEXT        NOT NULL,   -- over the chart's files (path and bytes), not the .tgz
    package_key     TEXT        NOT NULL,
    package_size    BIGINT      NOT NULL,
    rendered_key    TEXT        NOT NULL,
    workflow_id     TEXT        NOT NULL UNIQUE,
    messages        JSONB       NOT NULL DEFAULT '[]',   -- helm lint/template messages (bounded)
    rendered        BOOLEAN     NOT NULL DEFAULT false,
    validated_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chart_id, version)
);
