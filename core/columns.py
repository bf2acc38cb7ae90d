"""Matching an uploaded file's columns to the fields an import knows, by their obvious names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def column_key(name: str) -> str:
    """A column name compared without case, spaces, underscores or punctuation ("Lead ID" == "lead_id")."""
    return re.sub(r"[^a-z0-9]+", "", str(name).casefold())


@dataclass(frozen=True)
class KnownField:
    """A field an import fills, the other names a file may give its column, and whether it must be there."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    label: str = ""

    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(column_key(n) for n in (self.name, *self.aliases)))


@dataclass
class ColumnMatch:
    mapping: dict[str, str]  # field name -> the file's column ("" when the file has none)
    ignored: list[str] = field(default_factory=list)  # columns no field reads, in file order
    missing: list[str] = field(default_factory=list)  # required fields without a column

    def roles(self, fields: list[KnownField]) -> dict[str, str]:
        """Column -> what it becomes, in words, in file order (the preview's table)."""
        by_column = {column: name for name, column in self.mapping.items() if column}
        labels = {f.name: f.label or f.name for f in fields}
        return {column: labels[by_column[column]] for column in by_column}

    def renamed(self, header: list[str]) -> list[str]:
        """The header with each mapped column under its field's name (the others unchanged)."""
        by_column = {column: name for name, column in self.mapping.items() if column}
        taken = set(by_column.values())
        # An ignored column that happens to bear a field's name must not be read as that field.
        return [by_column.get(c) or (f"ignored:{c}" if c.strip().casefold() in taken else c) for c in header]


def match_columns(
    header: list[str], fields: list[KnownField], chosen: dict[str, str] | None = None
) -> ColumnMatch:
    """Which column fills each field: the one `chosen` names (when it is in the file), else the
    first column whose name is the field's or one of its aliases (earlier aliases first). A
    column fills at most one field; the columns no field takes are `ignored`."""
    chosen = chosen or {}
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for known in fields:  # explicit choices first, so a guess never takes a chosen column
        if known.name in chosen:
            column = chosen[known.name] if chosen[known.name] in header else ""
            mapping[known.name] = column
            used.add(column)
    keyed: dict[str, str] = {}
    for column in header:
        keyed.setdefault(column_key(column), column)
    for known in fields:
        if known.name in mapping:
            continue
        mapping[known.name] = next(
            (keyed[k] for k in known.keys() if k in keyed and keyed[k] not in used), ""
        )
        used.add(mapping[known.name])
    mapping = {f.name: mapping[f.name] for f in fields}
    ignored = [c for c in header if c not in used]
    missing = [f.name for f in fields if f.required and not mapping[f.name]]
    return ColumnMatch(mapping, ignored, missing)
