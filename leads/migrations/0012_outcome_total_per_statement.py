# The outcome total's triggers add up each statement's outcomes, and write the total once per
# workspace at the commit instead of once per outcome (PostgreSQL only; SQLite counts instead).

from django.db import migrations

# An import chunk of 5,000 outcomes updated the total's row 5,000 times in one transaction, each
# update walking the versions the ones before it left: 73 microseconds an outcome, the import 30-40%
# slower. Now a statement-level trigger adds the statement's count per workspace to a
# transaction-local setting (no lock; one per workspace, named by its id), and the deferred row
# triggers of 0011 (still the last lock a transaction takes, at its commit) write that sum once and
# find nothing left to write for the other rows. Savepoints roll the setting back with the rows;
# SET CONSTRAINTS ALL IMMEDIATE writes the sum so far and later statements start a new one.
# Both statement triggers name their transition table leads_outcome_changed, so one loop serves both.
INSTALL = """
CREATE OR REPLACE FUNCTION leads_outcome_total_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign bigint := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
    counted record;
    pending text;
BEGIN
    FOR counted IN SELECT workspace_id, count(*) AS n FROM leads_outcome_changed GROUP BY workspace_id LOOP
        pending := 'leads_outcome_total.w' || replace(counted.workspace_id::text, '-', '');
        PERFORM set_config(pending, (coalesce(nullif(current_setting(pending, true), ''), '0')::bigint
                                     + sign * counted.n)::text, true);
    END LOOP;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION leads_outcome_total_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    workspace leads_outcome.workspace_id%TYPE;
    pending text;
    delta bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN workspace := NEW.workspace_id; ELSE workspace := OLD.workspace_id; END IF;
    pending := 'leads_outcome_total.w' || replace(workspace::text, '-', '');
    delta := coalesce(nullif(current_setting(pending, true), ''), '0')::bigint;
    IF delta = 0 THEN
        RETURN NULL;  -- written by an earlier row of this transaction, or its rows cancelled out
    END IF;
    PERFORM set_config(pending, '0', true);
    IF delta > 0 THEN
        -- a workspace deleted in the same transaction has no total to keep
        INSERT INTO leads_outcometotal (workspace_id, total)
        SELECT workspace, delta WHERE EXISTS (SELECT 1 FROM workspaces_workspace WHERE id = workspace)
        ON CONFLICT (workspace_id) DO UPDATE SET total = leads_outcometotal.total + delta;
    ELSE
        UPDATE leads_outcometotal SET total = total + delta WHERE workspace_id = workspace;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER leads_outcome_total_insert_statement AFTER INSERT ON leads_outcome
    REFERENCING NEW TABLE AS leads_outcome_changed
    FOR EACH STATEMENT EXECUTE FUNCTION leads_outcome_total_statement();
CREATE TRIGGER leads_outcome_total_delete_statement AFTER DELETE ON leads_outcome
    REFERENCING OLD TABLE AS leads_outcome_changed
    FOR EACH STATEMENT EXECUTE FUNCTION leads_outcome_total_statement();
"""

# Back to 0011: one write of the total per outcome.
REMOVE = """
DROP TRIGGER IF EXISTS leads_outcome_total_insert_statement ON leads_outcome;
DROP TRIGGER IF EXISTS leads_outcome_total_delete_statement ON leads_outcome;
DROP FUNCTION IF EXISTS leads_outcome_total_statement();
CREATE OR REPLACE FUNCTION leads_outcome_total_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO leads_outcometotal (workspace_id, total)
        SELECT NEW.workspace_id, 1 WHERE EXISTS (SELECT 1 FROM workspaces_workspace WHERE id = NEW.workspace_id)
        ON CONFLICT (workspace_id) DO UPDATE SET total = leads_outcometotal.total + 1;
    ELSE
        UPDATE leads_outcometotal SET total = total - 1 WHERE workspace_id = OLD.workspace_id;
    END IF;
    RETURN NULL;
END $$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)  # no placeholders: %TYPE is PL/pgSQL


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("leads", "0011_outcome_total")]

    operations = [migrations.RunPython(install, remove)]
