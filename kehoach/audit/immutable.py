"""The database itself refuses to change or delete audit entries.

Triggers on SQLite and PostgreSQL: no DELETE, no UPDATE — except the one Django issues when a user
account is deleted (the actor set to NULL, every other column unchanged; `actor_email` keeps who it
was). A maintenance person with the database's owner rights can still drop the triggers: this
protects the trail from the application and everyone using it, not from the server's owner.
"""

TABLE = "audit_auditentry"
MESSAGE = "audit entries cannot be changed or deleted"

# Every column but actor_id, as of migration 0002 (a later migration adding columns must list them).
_COLUMNS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
    "actor_email",
    "unit_id",
    "source",
)

_SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _COLUMNS)

SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT (NEW.actor_id IS NULL AND {_SQLITE_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
]

POSTGRESQL_CREATE = [
    f"""CREATE FUNCTION audit_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
           AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    f"""CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_immutable()""",
    # Row triggers do not see TRUNCATE: refuse it too (the test suite's flush drops it first).
    f"""CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_immutable()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_immutable()",
]
