-- Least privilege for auditkit on PostgreSQL: the role that runs audits can add evidence, never change it.
--
-- Two roles:
--   * the OWNER role (the one that ran `auditkit db upgrade`) owns the tables and runs migrations;
--   * the WRITER role `auditkit_writer` runs `auditkit run`, `report`, `signoff`, `gate`, `verify`, `db check`.
-- Create the writer first (as a superuser or the owner), e.g.
--     CREATE ROLE auditkit_writer LOGIN PASSWORD '...';
-- then run this file as the OWNER, connected to the auditkit database, after every `auditkit db upgrade`
-- that adds tables (the grants name tables; a new table gets no rights until this file runs again):
--     psql "postgresql://owner@host/auditkit" -v ON_ERROR_STOP=1 -f docs/postgres-least-privilege.sql
-- Use another role name by replacing `auditkit_writer` below.
--
-- What the writer may do:
--   evidence (check_outcomes, measurements, reports, signoffs): SELECT and INSERT only, no UPDATE, no DELETE.
--     An outcome's digest is part of its INSERT, a report version's sign-off head and digest are part of its
--     INSERT, and sign-offs are appended: nothing auditkit does needs to change these rows afterwards.
--   reference rows (models, datasets, policies): SELECT and INSERT (stored once by natural key).
--   systems: UPDATE of (version, provider) only: a system row follows the latest audited version.
--   runs: UPDATE of the run-state columns only (state, gate, finished_at, error, heartbeat_at, resumed_at,
--     digest): a run is RUNNING while checks are saved, beats, may be marked interrupted and resumed, and is
--     finished once. The trigger below confines even that: a run that is no longer RUNNING cannot be updated
--     at all, so a finished run's gate, digest and times are immutable for every role but the owner (who can
--     drop the trigger: keep the owner's credentials away from the writing hosts).
--   run_locks: SELECT, INSERT, UPDATE, DELETE: the lock is coordination between live processes, not evidence.
--   alembic_version: SELECT (the store checks the schema revision; only the owner migrates).
--   sequences: USAGE to draw ids for inserted rows.

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM auditkit_writer;
GRANT USAGE ON SCHEMA public TO auditkit_writer;

GRANT SELECT, INSERT ON check_outcomes, measurements, reports, signoffs TO auditkit_writer;
GRANT SELECT, INSERT ON models, datasets, policies TO auditkit_writer;
GRANT SELECT, INSERT, UPDATE (version, provider) ON systems TO auditkit_writer;
GRANT SELECT, INSERT, UPDATE (state, gate, finished_at, error, heartbeat_at, resumed_at, digest)
    ON runs TO auditkit_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON run_locks TO auditkit_writer;
GRANT SELECT ON alembic_version TO auditkit_writer;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO auditkit_writer;

-- A finished run is never modified (DESIGN.md, principle 4): refuse any UPDATE of a run that is not RUNNING.
CREATE OR REPLACE FUNCTION auditkit_finished_run_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'running' THEN
        RAISE EXCEPTION 'auditkit: run % is %, and a finished run is never modified', OLD.run_id, OLD.state
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS auditkit_finished_run_is_immutable ON runs;
CREATE TRIGGER auditkit_finished_run_is_immutable BEFORE UPDATE ON runs
    FOR EACH ROW EXECUTE FUNCTION auditkit_finished_run_is_immutable();
