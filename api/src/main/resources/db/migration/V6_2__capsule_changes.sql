-- The API answers GET /capsule/{id} of a finished capsule from memory (FinishedCapsules, trusted as
-- far as the credential cache): every later change or deletion of a capsule row is announced as
-- 'capsule:<id>' on channel shipyard_identity, the channel every API instance already listens on.
CREATE FUNCTION shipyard_capsule_changed() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('shipyard_identity', 'capsule:' || OLD.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER capsules_changed
    AFTER UPDATE OR DELETE ON capsules FOR EACH ROW
EXECUTE FUNCTION shipyard_capsule_changed();
