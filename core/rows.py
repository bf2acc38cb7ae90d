"""Model instances from the rows of a hand-written query, for the few hot paths that skip the ORM's
SQL compiler (public API only: `Model.from_db` and each field's `to_python`)."""

from __future__ import annotations

from collections.abc import Sequence


def instance_from_row(model, alias: str, field_names: Sequence[str], values: Sequence):
    """An instance of `model` loaded from `values` of `field_names` (names or attnames); its other
    fields are deferred and load if asked for. Each value goes through its field's `to_python`,
    so what SQLite returns as text (a UUID, a 0/1 boolean) arrives as PostgreSQL's would."""
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    converted = [
        None if value is None else field.to_python(value) for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(alias, [field.attname for field in fields], converted)


def table(connection, model) -> str:
    """The model's quoted table name."""
    return connection.ops.quote_name(model._meta.db_table)


def column(connection, model, name: str, alias: str = "") -> str:
    """A field's quoted column (`name` a field name or attname), after a table alias if given."""
    quoted = connection.ops.quote_name(model._meta.get_field(name).column)
    return f"{alias}.{quoted}" if alias else quoted


def columns(connection, model, names: Sequence[str], alias: str = "") -> str:
    """Fields' quoted columns, comma-separated, in the order given."""
    return ", ".join(column(connection, model, name, alias) for name in names)
