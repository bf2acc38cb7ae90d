"""Fast deterministic setup data: rows written with PostgreSQL COPY or SQLite executemany.

Setup is not what the benchmarks measure, so it bypasses the ORM's per-object cost; values are
adapted per column exactly as Django would store them, and missing columns take the model
field's default (UUID primary keys come from a seeded generator, so runs are repeatable).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone


class Ids:
    """Seeded UUIDs: the same run makes the same ids."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self._random.getrandbits(128), version=4)

    def many(self, n: int) -> list[uuid.UUID]:
        return [self() for _ in range(n)]


def adapter_for(field: models.Field):
    """value -> what the database driver is given for this column."""
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.ForeignKey):
        return adapter_for(field.target_field)
    if isinstance(field, models.UUIDField):
        return (lambda v: v.hex if isinstance(v, uuid.UUID) else uuid.UUID(str(v)).hex) if sqlite else None
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if sqlite else None
    if isinstance(field, models.DateField):
        return (lambda v: v.isoformat()) if sqlite else None
    if isinstance(field, models.BooleanField):
        return (lambda v: None if v is None else int(v)) if sqlite else None
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(Decimal(v))
    if isinstance(field, models.BinaryField):
        return bytes
    return None


def concrete_fields(model) -> list[models.Field]:
    """The model's columns, in declaration order (the documented `_meta.get_fields()`)."""
    return [f for f in model._meta.get_fields() if f.concrete and not f.many_to_many]


def _sqlite_datetime(value: dt.datetime) -> str:
    """As Django stores datetimes in SQLite: naive UTC, 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def default_for(field: models.Field, now: dt.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        default = field.default
        if default is timezone.now:
            return now
        return default() if callable(default) else default
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def insert(model: type[models.Model], columns: dict[str, Sequence], ids: Ids | None = None) -> int:
    """Insert len(first column) rows; ``columns`` maps field names to equal-length value lists.

    Fields not given take their default (the primary key a seeded UUID when ``ids`` is given).
    Returns the number of rows written.
    """
    now = timezone.now()
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"columns differ in length: {lengths}")
    n = lengths.pop()
    fields = concrete_fields(model)
    data: list[Sequence] = []
    for field in fields:
        name = field.name if field.name in columns else field.attname
        if name in columns:
            values = columns[name]
        elif field.primary_key and isinstance(field, models.UUIDField):
            values = (ids or Ids(random.getrandbits(64))).many(n)
        else:
            values = [default_for(field, now)] * n
        adapt = adapter_for(field)
        if adapt is not None:
            values = [None if v is None else adapt(v) for v in values]
        data.append(values)
    table = model._meta.db_table
    names = [connection.ops.quote_name(f.column) for f in fields]
    rows: Iterable[tuple] = zip(*data, strict=True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The rows are consistent by construction: skip the per-row foreign-key triggers.
                cursor.execute("SET LOCAL session_replication_role = replica")
                with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(names))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})", list(rows)
                )
    return n


def analyze() -> None:
    """Refresh the planner's statistics after a large load (PostgreSQL autovacuum lags behind)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
