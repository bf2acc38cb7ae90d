"""Sortable, filterable, exportable tables of per-entity figures (agents, recipes, brands, ...)."""

from dataclasses import dataclass

from core.csv_export import csv_response
from core.formatting import percent
from core.stats import wilson_interval


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, count, rate, mean, date
    help: str = ""


def rate_cells(prefix, hits, n):
    """The cells of a rate column: value, its n and Wilson interval (None without data)."""
    low, high = wilson_interval(hits, n) if n else (None, None)
    return {
        prefix: hits / n if n else None,
        f"{prefix}_n": n,
        f"{prefix}_low": low,
        f"{prefix}_high": high,
    }


class Table:
    """Rows (dicts) with columns; sorts by ?sort=key&dir=asc|desc and filters by ?q= on text columns."""

    def __init__(self, name, columns, rows, default_sort, link=None):
        self.name = name
        self.columns = columns
        self.rows = rows
        self.default_sort = default_sort
        self.link = link  # callable(row) -> url of the entity's own page

    def apply(self, params):
        column_keys = {c.key for c in self.columns}
        sort = params.get("sort") if params.get("sort") in column_keys else self.default_sort
        descending = params.get("dir", "desc") != "asc"
        query = (params.get("q") or "").strip().casefold()
        rows = self.rows
        if query:
            text_keys = [c.key for c in self.columns if c.kind == "text"]
            rows = [r for r in rows if any(query in str(r.get(k) or "").casefold() for k in text_keys)]

        def sort_key(row):
            value = row.get(sort)
            # Empty values sort last in either direction.
            return (value is None, value if value is not None else 0)

        present = [r for r in rows if r.get(sort) is not None]
        missing = [r for r in rows if r.get(sort) is None]
        present.sort(key=sort_key, reverse=descending)
        self.sort, self.descending, self.query = sort, descending, query
        self.visible = present + missing
        self.display_rows = [
            {"url": self.link(row) if self.link else "", "cells": [self._cell(c, row) for c in self.columns]}
            for row in self.visible
        ]
        return self

    @staticmethod
    def _cell(column, row):
        value = row.get(column.key)
        if value is None:
            return {"text": "–", "sub": f"n={row.get(f'{column.key}_n', 0)}" if column.kind == "rate" else ""}
        if column.kind == "rate":
            low, high = row[f"{column.key}_low"], row[f"{column.key}_high"]
            return {
                "text": percent(value),
                "sub": f"n={row[f'{column.key}_n']}, 95% CI {percent(low)}–{percent(high)}",
            }
        if column.kind == "mean":
            return {"text": f"{value:,.3f}".rstrip("0").rstrip("."), "sub": ""}
        if column.kind == "count":
            return {"text": f"{value:,}", "sub": ""}
        if column.kind == "date":
            return {"text": value.strftime("%Y-%m-%d %H:%M"), "sub": ""}
        return {"text": str(value), "sub": ""}

    def header(self):
        return [c.label for c in self.columns] + [
            f"{c.label} {suffix}" for c in self.columns if c.kind == "rate" for suffix in ("n", "low", "high")
        ]

    def csv_rows(self):
        rate_columns = [c for c in self.columns if c.kind == "rate"]
        for row in self.visible:
            yield [row.get(c.key) for c in self.columns] + [
                row.get(f"{c.key}_{suffix}") for c in rate_columns for suffix in ("n", "low", "high")
            ]

    def csv_response(self):
        return csv_response(f"{self.name}.csv", self.header(), self.csv_rows(), stream=True)
