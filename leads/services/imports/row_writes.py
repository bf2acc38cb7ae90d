"""Writing many rows of one model at once, below the ORM, for the CSV import (COPY on PostgreSQL,
`executemany` elsewhere; see docs/leads.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL


def _converter(field: models.Field) -> Callable | None:
    """How a Python value of `field` is written (None: as it is)."""
    target = field.target_field if field.is_relation else field
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    if isinstance(target, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda value: None if value is None else value.hex
    if isinstance(target, models.DateTimeField) and connection.vendor != "postgresql":
        return connection.ops.adapt_datetimefield_value
    return None


def _prepared(model, columns: Sequence[str], rows):
    fields = [model._meta.get_field(name) for name in columns]
    converters = [(i, conv) for i, field in enumerate(fields) if (conv := _converter(field))]
    if not converters:
        return fields, rows
    # A column often holds one value in every row (the workspace, the time of the chunk):
    # convert it once.
    last = [(object(), None)] * len(fields)
    prepared = []
    for row in rows:
        row = list(row)
        for i, conv in converters:
            value = row[i]
            seen, converted = last[i]
            if value is not seen:
                converted = conv(value)
                last[i] = (value, converted)
            row[i] = converted
        prepared.append(row)
    return fields, prepared


def one_of(field: models.Field, values: Sequence) -> RawSQL:
    """A condition for `.filter()`: `field` is one of `values`, passed as one query parameter (an
    array on PostgreSQL, a JSON list on SQLite) rather than one parameter each, which costs more
    to build than the look-up takes for the thousands of ids of an import chunk. On PostgreSQL
    `= ANY(array)` lets the planner probe an index for each value, where `IN (SELECT unnest(..))`
    was planned as a scan of every row of the workspace, chunk after chunk."""
    quote = connection.ops.quote_name
    column = f"{quote(field.model._meta.db_table)}.{quote(field.column)}"
    target = field.target_field if field.is_relation else field
    if connection.vendor == "postgresql":
        kind = "uuid" if isinstance(target, models.UUIDField) else "text"
        return RawSQL(f"{column} = ANY(%s::{kind}[])", [list(values)], output_field=models.BooleanField())
    convert = _converter(field) or (lambda value: value)
    return RawSQL(
        f"{column} IN (SELECT value FROM json_each(%s))",
        [json.dumps([convert(v) for v in values])],
        output_field=models.BooleanField(),
    )


def _with_defaults(model, columns: Sequence[str], rows):
    """Columns the caller did not name but the table needs (NOT NULL, with a default in Python or
    a text field's ""), filled with their default: a field added to the model later does not break
    the import's raw insert."""
    named = set(columns)
    extra = [
        field
        for field in model._meta.concrete_fields
        if field.name not in named
        and field.attname not in named
        and not field.null
        and not field.primary_key
        and (field.has_default() or field.empty_strings_allowed)
    ]
    if not extra:
        return columns, rows
    return (
        [*columns, *(field.name for field in extra)],
        [(*row, *(field.get_default() for field in extra)) for row in rows],
    )


def insert_rows(model, columns: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Insert `rows` (tuples in the order of `columns`, field names) into `model`'s table."""
    if not rows:
        return 0
    columns, rows = _with_defaults(model, columns, rows)
    fields, rows = _prepared(model, columns, rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor (Django's has no COPY): its errors are wrapped as Django's,
            # so a duplicate raises django.db.IntegrityError here too.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)


def update_rows(model, columns: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Set `columns` (field names) by primary key: each row is (*values, pk)."""
    if not rows:
        return 0
    pk = model._meta.pk.name
    fields, rows = _prepared(model, [*columns, pk], rows)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields[:-1])
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(fields[-1].column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
