-- version.created events (issue 12 item 7): capsule_events held one row per (capsule, event),
-- which fits capsule.created but not one event per version. Events about a version name it in
-- version_id; the one-per-capsule rule stays for the others (capsule.created), as a partial unique
-- index. The capsule webhook sender inserts with ON CONFLICT DO NOTHING (any unique index), so a
-- retried activity still writes its event once (its ID is also name-based).
ALTER TABLE capsule_events
    ADD COLUMN version_id TEXT REFERENCES capsule_versions (id) ON DELETE CASCADE;
ALTER TABLE capsule_events DROP CONSTRAINT capsule_events_capsule_id_event_key;
CREATE UNIQUE INDEX capsule_events_once_idx ON capsule_events (capsule_id, event)
    WHERE version_id IS NULL;
CREATE UNIQUE INDEX capsule_events_version_idx ON capsule_events (version_id, event)
    WHERE version_id IS NOT NULL;
-- Undelivered events with a webhook URL, oldest first: what a sender of the outbox reads.
CREATE INDEX capsule_events_pending_idx ON capsule_events (created_at)
    WHERE delivered_at IS NULL AND webhook_url IS NOT NULL;
