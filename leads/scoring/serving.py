"""Scoring leads one by one without pandas: the model's own numbers from plain records, and each
lead's factors from one batched prediction (how and why: docs/scoring.md)."""

from __future__ import annotations

import logging
import math
from functools import lru_cache

import numpy as np
import pandas as pd
import sklearn
from scipy.special import expit
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

from .explanations import top_factors
from .features import MISSING_CATEGORY, FeatureSpec, to_category, to_numeric
from .prior import PriorModel
from .training import one_thread

logger = logging.getLogger(__name__)

SELF_CHECK_TOLERANCE = 1e-9
SELF_CHECK_ROWS = 200
_INT64 = (-(2**63), 2**63 - 1)
_UNKNOWN = "\x00unknown category\x00"  # a value no encoder has seen


# --- one value as prepare_frame sees it in a one-row frame ---------------------------------------


def _exact_frame_value(value, kind: str):
    frame = pd.DataFrame([{"c": value}]).replace({"": np.nan})
    if kind == "numeric":
        return float(to_numeric(frame["c"]).iloc[0])
    return str(to_category(frame["c"]).iloc[0])


@lru_cache(maxsize=4096)
def _cached_frame_value(value, kind: str):
    return _exact_frame_value(value, kind)


def _frame_value(value, kind: str):
    try:
        return _cached_frame_value(value, kind)
    except TypeError:  # unhashable (a list or dict): no cache
        return _exact_frame_value(value, kind)


def numeric_value(value) -> float:
    """`to_numeric` of the value alone (after lead_frame's blank-to-missing): float, NaN for missing."""
    if value is None:
        return math.nan
    kind = type(value)
    if kind is float:
        return value if math.isfinite(value) else math.nan
    if kind is bool:
        return 1.0 if value else 0.0
    if kind is int and _INT64[0] <= value <= _INT64[1]:
        return float(value)
    return _frame_value(value, "numeric")  # text ("12", " ", "n/a") and anything unusual


def category_value(value) -> str:
    """`to_category` of the value alone: stripped text, MISSING_CATEGORY for blank or missing."""
    if value is None:
        return MISSING_CATEGORY
    kind = type(value)
    if kind is str:
        text = value.strip()
        return text if text else MISSING_CATEGORY
    if kind is bool:
        return str(value)
    if kind is int and _INT64[0] <= value <= _INT64[1]:
        return str(value)
    if kind is float and math.isnan(value):
        return MISSING_CATEGORY
    return _frame_value(value, "category")


def prepared_rows(records: list[dict], spec: FeatureSpec) -> tuple[np.ndarray, list[list[str]]]:
    """The model's input for each record: numeric columns as a float matrix, categories as text."""
    numeric = np.array(
        [[numeric_value(record.get(c)) for c in spec.numeric] for record in records], dtype=float
    ).reshape(len(records), len(spec.numeric))
    categories = [[category_value(record.get(c)) for c in spec.categorical] for record in records]
    return numeric, categories


# --- the fitted column transformer, replayed -----------------------------------------------------


def _numeric_steps(transformer):
    """A function replaying the numeric branch on a float matrix, or None if it is not one we know."""
    if transformer == "passthrough":
        return lambda x: x.copy()
    steps = transformer.steps if isinstance(transformer, Pipeline) else [(None, transformer)]
    replay = []
    for _, step in steps:
        if isinstance(step, SimpleImputer):
            if not (isinstance(step.missing_values, float) and math.isnan(step.missing_values)):
                return None
            if not step.keep_empty_features and np.isnan(step.statistics_.astype(float)).any():
                return None
            replay.append(("impute", step))
        elif isinstance(step, FunctionTransformer):
            replay.append(("function", step))
        elif isinstance(step, StandardScaler):
            replay.append(("scale", step))
        else:
            return None

    def run(x):
        x = x.copy()
        for kind, step in replay:
            if kind == "impute":
                missing = np.isnan(x)
                fill = step.statistics_.astype(float)
                x = np.where(missing, fill[np.newaxis, :], x)
                if step.add_indicator:
                    x = np.hstack((x, missing[:, step.indicator_.features_]))
            elif kind == "function":
                if step.func is not None:  # None: passthrough
                    x = step.func(x, **(step.kw_args or {}))
            else:
                x = x.astype(float, copy=True)
                if step.with_mean:
                    x -= step.mean_.astype(x.dtype)
                if step.with_std:
                    x /= step.scale_.astype(x.dtype)
        return x

    return run


def _category_tables(encoder, columns: list[str]):
    """Per column: the index of each category and the encoder's output change from a base row for
    each (and for an unseen value). Encoders work column by column, so a row's output is the base row's plus the
    changes of its values; the outputs are small integers (one-hot or codes), so the sums are exact."""
    categories = [list(c) for c in encoder.categories_]
    base_values = [str(c[0]) if len(c) else MISSING_CATEGORY for c in categories]
    base = encoder.transform(pd.DataFrame([base_values], columns=columns)).astype(float)[0]
    tables = []
    for i in range(len(columns)):
        values = [str(v) for v in categories[i]]
        if _UNKNOWN in values:
            return None
        rows = [base_values.copy() for _ in range(len(values) + 1)]
        for row, value in zip(rows, [*values, _UNKNOWN], strict=True):
            row[i] = value
        out = encoder.transform(pd.DataFrame(rows, columns=columns)).astype(float) - base
        # Row j of the changes is category j; the last row is an unseen value.
        tables.append(({value: j for j, value in enumerate(values)}, out))
    return base, tables


class RowScorer:
    """Scores records (dicts of lead values) with a model, without pandas."""

    def __init__(self, model, transform, final, calibrate, one_call=False):
        self.model = model
        # Records and their variants in one prediction; not for a matrix product, whose last bits
        # depend on the number of rows (explain predicts the records apart from their variants).
        self._one_call = one_call
        self.spec: FeatureSpec = model.spec
        self._transform = transform
        self._final = final
        self._calibrate = calibrate

    def _predict_prepared(self, numeric: np.ndarray, categories: list[list[str]]) -> np.ndarray:
        if len(numeric) == 0:
            return np.zeros(0)
        if self._final is None:  # the prior
            return self.model.predict_matrix(numeric)
        x = self._transform(numeric, categories)
        with one_thread():
            raw = self._final(x)
        return self._calibrate(raw)

    def predict(self, records: list[dict]) -> np.ndarray:
        return self._predict_prepared(*prepared_rows(records, self.spec))

    def score(self, records: list[dict], explain: bool = True, top: int = 3, min_effect: float = 0.001):
        """(calibrated probabilities, factors per record); factors as `explanations.explain` gives
        them: each column set to its typical training value. The records and all their variants go
        through the model in one prediction: each call of a fitted estimator costs milliseconds of
        checks and conversions whatever its number of rows."""
        numeric, categories = prepared_rows(records, self.spec)
        columns = self.spec.columns
        n, k = len(records), len(self.spec.numeric)
        if not explain or n == 0 or not columns:
            probabilities = self._predict_prepared(numeric, categories)
            empty = {} if not explain else {"positive": [], "negative": []}
            return probabilities, [dict(empty) for _ in records]
        reference = self.model.reference
        # The records first, then explain's order: all rows with column 0 moved, then column 1, ...
        stacked_numeric = np.tile(numeric, (len(columns) + 1, 1))
        stacked_categories = [list(row) for _ in range(len(columns) + 1) for row in categories]
        for i, column in enumerate(columns):
            rows = slice((i + 1) * n, (i + 2) * n)
            if i < k:
                stacked_numeric[rows, i] = reference[column]
            else:
                for row in stacked_categories[rows]:
                    row[i - k] = reference[column]
        if self._one_call:
            predicted = self._predict_prepared(stacked_numeric, stacked_categories)
            probabilities, moved = predicted[:n], predicted[n:]
        else:
            probabilities = self._predict_prepared(numeric, categories)
            moved = self._predict_prepared(stacked_numeric[n:], stacked_categories[n:])
        moved = moved.reshape(len(columns), n)
        effects = probabilities[np.newaxis, :] - moved
        factors = []
        for row in range(n):
            values = [*numeric[row].tolist(), *categories[row]]
            factors.append(top_factors(columns, values, effects[:, row], top, min_effect))
        return probabilities, factors


def _learned_scorer(model) -> RowScorer | None:
    pipeline = getattr(model, "pipeline", None)
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
        return None
    columns, final = pipeline.steps[0][1], pipeline.steps[1][1]
    if not isinstance(columns, ColumnTransformer) or columns.sparse_output_:
        return None
    spec = model.spec
    numeric_run, category_tables = None, None
    for name, transformer, selected in columns.transformers_:
        if name == "remainder":
            if transformer != "drop" and len(selected):
                return None
            continue
        if list(selected) == [] or transformer == "drop":
            continue
        if list(selected) == list(spec.numeric) and name == "num":
            numeric_run = _numeric_steps(transformer)
            if numeric_run is None:
                return None
        elif list(selected) == list(spec.categorical) and name == "cat":
            if not isinstance(transformer, (OneHotEncoder, OrdinalEncoder)):
                return None
            category_tables = _category_tables(transformer, list(spec.categorical))
            if category_tables is None:
                return None
        else:
            return None
    if spec.numeric and numeric_run is None or spec.categorical and category_tables is None:
        return None

    def transform(numeric: np.ndarray, categories: list[list[str]]) -> np.ndarray:
        blocks = []
        if numeric_run is not None:
            blocks.append(numeric_run(numeric))
        if category_tables is not None:
            base, tables = category_tables
            encoded = np.tile(base, (len(categories), 1))
            for i, (index, changes) in enumerate(tables):
                unseen = len(changes) - 1
                encoded += changes[[index.get(row[i], unseen) for row in categories]]
            blocks.append(encoded)
        return np.hstack(blocks) if len(blocks) > 1 else blocks[0]

    one_call = not isinstance(final, LogisticRegression)
    return RowScorer(model, transform, _final_probability(final), _calibration(model.calibrator), one_call)


def _calibration(calibrator):
    """`Calibrator.transform` without scikit-learn's input checks on each call."""
    if calibrator.method == "isotonic":
        iso = calibrator.isotonic
        if not callable(getattr(iso, "f_", None)):
            return calibrator.transform

        def isotonic(raw):
            clipped = np.clip(raw, iso.X_min_, iso.X_max_) if iso.out_of_bounds == "clip" else raw
            return calibrator.blend(iso.f_(clipped).astype(clipped.dtype), raw)

        return isotonic
    if calibrator.platt is not None:
        platt = _final_probability(calibrator.platt)
        return lambda raw: platt(calibrator._logit(raw))
    return calibrator.transform


def _final_probability(estimator):
    """The estimator's probability of the positive class: its own `predict_proba`, with the
    finiteness and parameter checks skipped (the input is the float matrix built above); a binary
    logistic regression as its fitted coefficients give it, which `compile_scorer` checks."""
    if isinstance(estimator, LogisticRegression) and len(estimator.classes_) == 2:
        coef_t, intercept = estimator.coef_.T, estimator.intercept_

        def logistic(x):
            scores = x @ coef_t + intercept
            return expit(scores.reshape(-1))

        return logistic

    def probability(x):
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return estimator.predict_proba(x)[:, 1]

    return probability


def compile_scorer(model) -> RowScorer | None:
    """A RowScorer for the model when it gives the model's own numbers, else None."""
    if isinstance(model, PriorModel):
        return RowScorer(model, None, None, None)
    try:
        scorer = _learned_scorer(model)
    except Exception:  # noqa: BLE001 - an unexpected fitted object: keep the pandas path
        logger.exception("could not compile a row scorer for %s", getattr(model, "description", model))
        return None
    if scorer is None:
        return None
    sample = getattr(model, "reference_frame", None)
    if sample is None or len(sample) == 0:
        return None
    records = sample.head(SELF_CHECK_ROWS).to_dict("records")
    expected = model.predict_proba(pd.DataFrame(records))
    got = scorer.predict(records)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=0, atol=SELF_CHECK_TOLERANCE):
        logger.warning("row scorer disagrees with %s; serving through pandas", model.description)
        return None
    return scorer
