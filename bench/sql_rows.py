"""Millions of deterministic setup rows generated inside the database (INSERT ... SELECT over a
number series; docs/bench.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection, models, transaction

from bench.bulk import adapter_for, concrete_fields, default_for

PRIME = 1_000_003


def postgres() -> bool:
    return connection.vendor == "postgresql"


def uid(tag: int, index: str = "i") -> str:
    """The UUID of row ``index`` in the set tagged ``tag`` (see ``uid_value``)."""
    if postgres():
        return f"(lpad(to_hex({tag}), 8, '0') || lpad(to_hex({index}), 24, '0'))::uuid"
    return f"printf('%08x%024x', {tag}, {index})"


def uid_value(tag: int, index: int) -> uuid.UUID:
    return uuid.UUID(f"{tag:08x}{index:024x}")


def rand(salt: int) -> str:
    """A pseudo-random number in [0, 1) per row (a different sequence per salt)."""
    return f"(((i + {salt}) * {48271 + salt * 7919} % {PRIME}) * 1.0 / {PRIME})"


def randint(salt: int, n: int) -> str:
    """A pseudo-random integer in [0, n) per row (integer arithmetic: the same on both databases)."""
    return f"(((i + {salt}) * {48271 + salt * 7919} % {PRIME}) * {n} / {PRIME})"


def pick(options: list[str], salt: int) -> str:
    cases = " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(options))
    return f"(CASE {randint(salt, len(options))} {cases} END)"


def seconds_after(anchor: dt.datetime, seconds_sql: str) -> str:
    """anchor + the given number of seconds, as the column's datetime."""
    if postgres():
        return f"(TIMESTAMPTZ '{anchor.isoformat()}' + ({seconds_sql}) * INTERVAL '1 second')"
    naive = anchor.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    return f"strftime('%Y-%m-%d %H:%M:%f', '{naive}', '+' || CAST({seconds_sql} AS INTEGER) || ' seconds')"


def json(text_sql: str) -> str:
    return f"CAST({text_sql} AS jsonb)" if postgres() else text_sql


def boolean(condition_sql: str) -> str:
    return f"({condition_sql})"


def text(sql: str) -> str:
    return f"CAST({sql} AS TEXT)" if postgres() else f"CAST({sql} AS TEXT)"


def insert(model: type[models.Model], n: int, expressions: dict[str, str], offset: int = 0) -> int:
    """Insert rows i = offset .. offset+n-1; fields without an expression take their default."""
    now = dt.datetime.now(dt.UTC)
    columns, selects, params = [], [], []
    for field in concrete_fields(model):
        name = field.name if field.name in expressions else field.attname
        columns.append(connection.ops.quote_name(field.column))
        if name in expressions:
            selects.append(expressions[name].replace("%", "%%"))  # the driver's placeholders are %s
            continue
        value = default_for(field, now)
        adapt = adapter_for(field)
        if value is not None and adapt is not None:
            value = adapt(value)
        selects.append(json("%s") if isinstance(field, models.JSONField) else "%s")
        params.append(value)
    if postgres():
        series = f"generate_series(CAST({offset} AS bigint), {offset + n - 1}) AS n(i)"
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(selects)} FROM {series}"
    else:
        sql = (
            f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
            f"WITH RECURSIVE n(i) AS (SELECT {offset} UNION ALL SELECT i + 1 FROM n WHERE i < {offset + n - 1}) "
            f"SELECT {', '.join(selects)} FROM n"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres():
            # The rows are consistent by construction: skip the per-row foreign-key triggers.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
    return n
