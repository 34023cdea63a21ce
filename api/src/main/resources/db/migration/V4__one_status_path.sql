-- One status path: the status of every workflow-backed operation lives in workflow_runs, written
-- by the worker's projection activity (sequence-guarded). A run has its generic status
-- (running/completed/failed/cancelled), the feature's phase (a capsule's planning, generating, ...)
-- and an error text. Feature tables keep business data only: capsules.status and capsules.error
-- move here.

ALTER TABLE workflow_runs ADD COLUMN phase TEXT;
ALTER TABLE workflow_runs ADD COLUMN error TEXT;

-- Every existing capsule gets (or updates) its run row; the workflow's own later updates win
-- because their sequence is higher than 0.
INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase, details, error,
                           sequence, started_at, updated_at, closed_at)
SELECT c.workflow_id,
       'capsule-generation',
       c.tenant_id,
       c.owner_id::text,
       CASE c.status WHEN 'stored' THEN 'completed'
                     WHEN 'failed' THEN 'failed'
                     WHEN 'cancelled' THEN 'cancelled'
                     ELSE 'running' END,
       c.status,
       c.error,
       c.error,
       0,
       c.created_at,
       c.updated_at,
       CASE WHEN c.status IN ('stored', 'failed', 'cancelled') THEN c.updated_at END
  FROM capsules c
ON CONFLICT (workflow_id) DO UPDATE SET
    phase = EXCLUDED.phase,
    error = EXCLUDED.error,
    status = EXCLUDED.status,
    closed_at = EXCLUDED.closed_at;

ALTER TABLE capsules DROP COLUMN status;
ALTER TABLE capsules DROP COLUMN error;

CREATE INDEX workflow_runs_kind ON workflow_runs (kind, status);
