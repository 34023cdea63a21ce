-- The API answers GET /v1/user/profile from memory (ProfileCache, as long as the credential cache is
-- in use): changes of what a profile shows beyond V5's fields (email, last login) are announced too,
-- as 'profile:<id>' on channel shipyard_identity; credentials are not affected by them.
CREATE TRIGGER users_profile_changed
    AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.email IS DISTINCT FROM NEW.email
        OR OLD.last_login IS DISTINCT FROM NEW.last_login
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
EXECUTE FUNCTION shipyard_identity_changed('profile');
