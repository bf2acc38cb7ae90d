"""Infer which columns of a lead table a conversion model may use, and how.

General rules only (no dataset-specific names): identifiers, free text, dates, constant
columns and columns that leak the outcome are excluded, each with its reason in words;
every other column is numeric (numbers, booleans, numeric text with blanks) or categorical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import rankdata

MISSING_CATEGORY = "(missing)"

# Names that denote a record's identity or contact details rather than a property that
# could explain conversion. Matched on the normalised column name.
IDENTIFIER_NAMES = {
    "id",
    "pk",
    "uuid",
    "guid",
    "lead_id",
    "external_id",
    "customer_id",
    "customerid",
    "email",
    "email_address",
    "phone",
    "phone_number",
    "mobile",
    "name",
    "first_name",
    "last_name",
    "full_name",
    "url",
    "website",
    "linkedin",
    "linkedin_url",
    "address",
    "street",
    "ip",
    "ip_address",
}
IDENTIFIER_SUFFIXES = ("_id", "_uuid", "_guid", "_email", "_phone", "_url")

NUMERIC_TEXT_SHARE = 0.95  # share of non-blank text values that must parse as numbers
MAX_CATEGORY_LEVELS = 200  # above this a text column is treated as identifier/free text
UNIQUE_SHARE_IDENTIFIER = 0.9  # a text column this unique is an identifier or free text
FREE_TEXT_MEAN_WORDS = 6.0
LEAK_AUC = 0.99  # one column alone separating won from lost this well is a leak
LEAK_MIN_CLASS = 20  # ...but only judged with enough outcomes of each kind
INFERENCE_SAMPLE = 5000  # a column's kind shows in a sample; counts use every row


def normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


@dataclass
class FeatureSpec:
    """The columns a model uses: numeric and categorical, plus the excluded ones and why."""

    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return self.numeric + self.categorical

    def as_dict(self) -> dict:
        return {
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
            "excluded": dict(self.excluded),
        }


def _blank_to_nan(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values
    text = values.astype("object")
    blank = text.str.strip().eq("").fillna(False).astype(bool)  # non-text values give NaN: not blank
    return text.mask(blank, np.nan)


def to_numeric(values: pd.Series) -> pd.Series:
    """Numbers as float; blanks, unparsable text and +-inf become NaN."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype(float)
    else:
        cleaned = _blank_to_nan(values).map(
            lambda v: {True: 1.0, False: 0.0}.get(v, v) if isinstance(v, bool) else v
        )
        out = pd.to_numeric(cleaned, errors="coerce").astype(float)
    return out.replace([np.inf, -np.inf], np.nan)


def to_category(values: pd.Series) -> pd.Series:
    """Text categories; missing values become their own category."""
    text = _blank_to_nan(values).astype("object")
    missing = text.isna()
    out = text.astype(str).str.strip()
    return out.mask(missing, MISSING_CATEGORY)


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _looks_numeric(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return True
    present = _blank_to_nan(values).dropna()
    if present.empty:
        return False
    if present.map(lambda v: isinstance(v, (dict, list))).any():
        return False
    parsed = pd.to_numeric(present.map(str), errors="coerce")
    return parsed.notna().mean() >= NUMERIC_TEXT_SHARE


def _looks_like_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    present = _blank_to_nan(values).dropna().astype(str)
    if present.empty:
        return False
    sample = present.head(200)
    if not sample.str.contains(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}").mean() > 0.9:
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return parsed.notna().mean() > 0.9


def _univariate_auc(x: np.ndarray, y: np.ndarray) -> float:
    """AUC of one column taken alone, in either direction (0.5..1)."""
    ranks = rankdata(x)
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    auc = (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return max(auc, 1 - auc)


def _leaks_outcome(values: pd.Series, kind: str, y: np.ndarray) -> bool:
    if min(int(y.sum()), int(len(y) - y.sum())) < LEAK_MIN_CLASS:
        return False  # too few of one kind in the sample to call anything a leak
    if kind == "numeric":
        x = to_numeric(values).to_numpy()
        x = np.where(np.isnan(x), np.nanmedian(x) if np.isfinite(x).any() else 0.0, x)
    else:
        cats = to_category(values)
        # Encode each level by its outcome rate: a perfect separator scores AUC 1.
        rates = pd.Series(y, index=cats.index).groupby(cats).transform("mean")
        x = rates.to_numpy(dtype=float)
    return _univariate_auc(x, y) >= LEAK_AUC


def infer_feature_spec(
    frame: pd.DataFrame,
    y: np.ndarray | None = None,
    excluded_columns: tuple[str, ...] | list[str] = (),
) -> FeatureSpec:
    """Decide for every column of `frame` whether it is numeric, categorical or excluded."""
    spec = FeatureSpec()
    excluded_norm = {normalise_name(c) for c in excluded_columns}
    n = len(frame)
    y_arr = None if y is None else np.asarray(y, dtype=int)
    check_leaks = (
        y_arr is not None
        and len(y_arr) == n
        and min(int(y_arr.sum()), int(n - y_arr.sum())) >= LEAK_MIN_CLASS
    )
    # Kinds and leaks are judged on a sample (the same rows for every column); counts use all rows.
    sample = np.random.default_rng(0).choice(n, min(n, INFERENCE_SAMPLE), replace=False)
    for column in frame.columns:
        name = normalise_name(column)
        values = frame[column]
        y_sample = y_arr
        if len(values) > INFERENCE_SAMPLE:
            values = values.iloc[sample]
            y_sample = None if y_arr is None else y_arr[sample]
        present = _blank_to_nan(values).dropna()
        if name in excluded_norm:
            spec.excluded[column] = "excluded in the scoring settings"
            continue
        if name in IDENTIFIER_NAMES or name.endswith(IDENTIFIER_SUFFIXES):
            spec.excluded[column] = "identifier or contact detail"
            continue
        if present.empty:
            spec.excluded[column] = "always empty"
            continue
        if present.map(lambda v: isinstance(v, (dict, list))).any():
            spec.excluded[column] = "nested values (lists or objects)"
            continue
        if _looks_numeric(values):
            numbers = to_numeric(values).dropna()
            if numbers.nunique() <= 1:
                spec.excluded[column] = "constant"
                continue
            whole = bool(np.all(np.mod(numbers, 1) == 0))
            all_numbers = to_numeric(frame[column]).dropna()
            span = all_numbers.max() - all_numbers.min() + 1
            if (
                whole
                and len(all_numbers) > 50
                and all_numbers.nunique() == len(all_numbers)
                and span <= 1.1 * len(all_numbers)
            ):
                spec.excluded[column] = "row number or sequential identifier"
                continue
            kind = "numeric"
        else:
            if _looks_like_dates(values):
                spec.excluded[column] = "date or time"
                continue
            text = present.map(str)
            full = _blank_to_nan(frame[column]).dropna()
            levels = int(full.astype(str).nunique())
            if levels <= 1:
                spec.excluded[column] = "constant"
                continue
            if text.str.split().map(len).mean() >= FREE_TEXT_MEAN_WORDS:
                spec.excluded[column] = "free text"
                continue
            if levels > 20 and levels / max(len(full), 1) >= UNIQUE_SHARE_IDENTIFIER:
                spec.excluded[column] = "identifier (almost every value is unique)"
                continue
            if levels > MAX_CATEGORY_LEVELS:
                spec.excluded[column] = f"too many distinct values ({levels}) to be a category"
                continue
            kind = "categorical"
        if check_leaks and _leaks_outcome(values, kind, y_sample):
            spec.excluded[column] = "leaks the outcome (separates won from lost almost perfectly)"
            continue
        (spec.numeric if kind == "numeric" else spec.categorical).append(column)
    return spec


def prepare_frame(frame: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """The model's input: spec columns in order, numeric as float (NaN for missing), categories as text.

    Columns absent from `frame` (e.g. a lead scored without an attribute) count as missing.
    """
    data = {}
    for column in spec.numeric:
        if column in frame.columns:
            data[column] = to_numeric(frame[column]).to_numpy(dtype=float)
        else:
            data[column] = np.full(len(frame), np.nan)
    for column in spec.categorical:
        if column in frame.columns:
            data[column] = to_category(frame[column]).to_numpy(dtype=object)
        else:
            data[column] = np.full(len(frame), MISSING_CATEGORY, dtype=object)
    return pd.DataFrame(data, index=frame.index, columns=spec.columns)
