"""Spreadsheet-safe cells: the one rule for every export lives in core.csv_export (loop apps use it too)."""

from core.csv_export import FORMULA_PREFIXES, safe_cell

__all__ = ["FORMULA_PREFIXES", "safe_cell"]
