-- Changes that end or narrow a credential are announced on channel shipyard_identity, so that every
-- API instance drops what it remembers about them at once (LISTEN/NOTIFY, delivered on commit;
-- README: Identity and access). Payload: 'session:<id>', 'user:<id>' or 'key:<id>'. Logins, which
-- only update counters and times, announce nothing.

CREATE FUNCTION shipyard_identity_changed() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    changed UUID;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD.id;
    ELSE
        changed := NEW.id;
    END IF;
    PERFORM pg_notify('shipyard_identity', TG_ARGV[0] || ':' || changed::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_changed
    AFTER UPDATE ON sessions FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.user_id IS DISTINCT FROM NEW.user_id)
EXECUTE FUNCTION shipyard_identity_changed('session');
CREATE TRIGGER sessions_deleted
    AFTER DELETE ON sessions FOR EACH ROW
EXECUTE FUNCTION shipyard_identity_changed('session');

CREATE TRIGGER users_changed
    AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role
        OR OLD.is_active IS DISTINCT FROM NEW.is_active
        OR OLD.username IS DISTINCT FROM NEW.username
        OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id
        OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
EXECUTE FUNCTION shipyard_identity_changed('user');
CREATE TRIGGER users_deleted
    AFTER DELETE ON users FOR EACH ROW
EXECUTE FUNCTION shipyard_identity_changed('user');

CREATE TRIGGER api_keys_changed
    AFTER UPDATE ON api_keys FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.scopes IS DISTINCT FROM NEW.scopes
        OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
EXECUTE FUNCTION shipyard_identity_changed('key');
CREATE TRIGGER api_keys_deleted
    AFTER DELETE ON api_keys FOR EACH ROW
EXECUTE FUNCTION shipyard_identity_changed('key');
