"""Database triggers, generated from ``rollups.DATASETS``, that record which hours of which dataset were
written (RollupTouch); why triggers and how they differ on PostgreSQL and SQLite: docs/analytics.md."""

import logging

from django.apps import apps
from django.db import connection

from analytics.rollups import DATASETS

logger = logging.getLogger(__name__)

TOUCH_TABLE = "analytics_rolluptouch"
OPERATIONS = ("insert", "update", "delete")


def _sources_by_table():
    """{model: [(dataset key, date path)]} over the rolled-up datasets."""
    by_model = {}
    for dataset in DATASETS.values():
        if not dataset.rolled_up:
            continue
        for label, path in dataset.sources():
            by_model.setdefault(apps.get_model(label), []).append((dataset.key, path))
    return by_model


def _select(model, key, path, alias, vendor):
    """SELECT workspace, dataset, hour for the rows of ``alias`` (NEW/OLD or a transition table)."""
    q = connection.ops.quote_name
    parts = path.split("__")
    if len(parts) == 1:
        column = model._meta.get_field(parts[0]).column
        workspace, moment, source = f"x.{q('workspace_id')}", f"x.{q(column)}", f"{alias} AS x"
    elif len(parts) == 2:
        link = model._meta.get_field(parts[0])
        related = link.related_model
        column = related._meta.get_field(parts[1]).column
        workspace, moment = f"r.{q('workspace_id')}", f"r.{q(column)}"
        source = (
            f"{alias} AS x JOIN {q(related._meta.db_table)} AS r "
            f"ON r.{q(related._meta.pk.column)} = x.{q(link.column)}"
        )
    else:
        raise ValueError(f"date path {path!r}: at most one relation is supported")
    if vendor == "postgresql":
        hour = f"date_trunc('hour', {moment} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        label = f"CAST('{key}' AS varchar)"
    else:
        hour = f"strftime('%Y-%m-%d %H:00:00', {moment})"
        label = f"'{key}'"
    return f"SELECT {workspace} AS ws, {label} AS ds, {hour} AS hr FROM {source}"


def _insert(selects, skip_present):
    q = connection.ops.quote_name
    union = " UNION ".join(selects)
    sql = (
        f"INSERT INTO {q(TOUCH_TABLE)} (workspace_id, dataset, hour) "
        f"SELECT DISTINCT s.ws, s.ds, s.hr FROM ({union}) AS s WHERE s.hr IS NOT NULL"
    )
    if skip_present:
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {q(TOUCH_TABLE)} AS t "
            "WHERE t.workspace_id = s.ws AND t.dataset = s.ds AND t.hour = s.hr)"
        )
    return sql


def _name(table, operation):
    return f"rollup_touch_{table}_{operation}"[:60]


def _postgres_statements(model, sources):
    q = connection.ops.quote_name
    table = model._meta.db_table
    statements = []
    for operation in OPERATIONS:
        aliases = {"insert": ["new_rows"], "update": ["old_rows", "new_rows"], "delete": ["old_rows"]}[
            operation
        ]
        referencing = {
            "insert": "REFERENCING NEW TABLE AS new_rows",
            "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "delete": "REFERENCING OLD TABLE AS old_rows",
        }[operation]
        selects = [
            _select(model, key, path, alias, "postgresql") for key, path in sources for alias in aliases
        ]
        name = _name(table, operation)
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_insert(selects, skip_present=False)}; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {q(table)}",
            f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {q(table)} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return statements


def _sqlite_statements(model, sources):
    q = connection.ops.quote_name
    table = model._meta.db_table
    statements = []
    for operation in OPERATIONS:
        rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}[operation]
        selects = []
        for key, path in sources:
            for row in rows:
                # A row reference is not a table: select its columns as a one-row table.
                first = model._meta.get_field(path.split("__")[0])
                columns = {"workspace_id", first.column}
                single = "(SELECT " + ", ".join(f"{row}.{q(c)} AS {q(c)}" for c in sorted(columns)) + ")"
                selects.append(_select(model, key, path, single, "sqlite"))
        name = _name(table, operation)
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {q(table)} FOR EACH ROW "
            f"BEGIN {_insert(selects, skip_present=True)}; END",
        ]
    return statements


def expected_triggers():
    return {
        (model._meta.db_table, _name(model._meta.db_table, op))
        for model in _sources_by_table()
        for op in OPERATIONS
    }


def installed_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        return {(table.strip('"'), name) for table, name in cursor.fetchall()}


def install():
    """(Re)create the triggers; returns True when some were missing (rollups may then be stale)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"rollup triggers for {connection.vendor}")
    tables = set(connection.introspection.table_names())
    by_model = {m: s for m, s in _sources_by_table().items() if m._meta.db_table in tables}
    if TOUCH_TABLE not in tables:
        return False
    missing = {
        pair for pair in expected_triggers() if pair[0] in {m._meta.db_table for m in by_model}
    } - installed_triggers()
    build = _postgres_statements if connection.vendor == "postgresql" else _sqlite_statements
    with connection.cursor() as cursor:
        for model, sources in by_model.items():
            for statement in build(model, sources):
                cursor.execute(statement)
    if missing:
        logger.debug("rollup triggers (re)created: %s", sorted(name for _, name in missing))
    return bool(missing)
