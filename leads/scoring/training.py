"""Train a calibrated conversion model: candidate pipelines, internal selection, calibration.

`train_scoring_model` is the one training procedure: retraining, the `retrain` command and
`evaluate_scoring` (inside cross-validation) all call it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import ThreadpoolController, threadpool_limits

from .features import FeatureSpec, infer_feature_spec, prepare_frame

ISOTONIC_MIN_OUTCOMES = 1000  # below this, sigmoid (Platt) calibration: isotonic overfits
HOLDOUT_ABOVE = 20000  # above this many rows, select on one held-out split instead of 3 folds
REFERENCE_ROWS = 2000  # training rows kept with the model for drift and explanations
MIN_CLASS_OUTCOMES = 2  # need at least this many won and lost outcomes to train


_controller: ThreadpoolController | None = None


def one_thread():
    """Limit BLAS and OpenMP to one thread for a prediction, as `threadpool_limits(1)` does, but
    without scanning the loaded libraries again on every call (milliseconds per web request)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1)


class TrainingError(ValueError):
    """The data cannot train a model (too few outcomes, one class only, no usable columns)."""


def _signed_log(x):
    return np.sign(x) * np.log1p(np.abs(x))


def _logistic_pipeline(spec: FeatureSpec, n: int, c: float) -> Pipeline:
    min_frequency = max(5, int(0.002 * n))
    numeric = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
            # Counts and money are heavy-tailed; a signed log keeps the linear model stable.
            ("log", FunctionTransformer(_signed_log, feature_names_out="one-to-one")),
            ("scale", StandardScaler()),
        ]
    )
    categorical = OneHotEncoder(
        handle_unknown="infrequent_if_exist", min_frequency=min_frequency, sparse_output=False
    )
    columns = ColumnTransformer(
        [("num", numeric, spec.numeric), ("cat", categorical, spec.categorical)],
        verbose_feature_names_out=False,
    )
    return Pipeline([("columns", columns), ("model", LogisticRegression(C=c, max_iter=2000))])


def _boosted_trees_pipeline(spec: FeatureSpec, n: int, random_state: int) -> Pipeline:
    categorical = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=-1,
        encoded_missing_value=-1,
        min_frequency=max(5, int(0.002 * n)),
        max_categories=200,
    )
    columns = ColumnTransformer(
        [("num", "passthrough", spec.numeric), ("cat", categorical, spec.categorical)],
        verbose_feature_names_out=False,
    )
    mask = [False] * len(spec.numeric) + [True] * len(spec.categorical)
    model = HistGradientBoostingClassifier(
        # Large tables: bigger steps, fewer rounds, so 100,000 rows train in well under a minute.
        learning_rate=0.1 if n > HOLDOUT_ABOVE else 0.05,
        max_iter=250 if n > HOLDOUT_ABOVE else 400,
        max_leaf_nodes=15,
        min_samples_leaf=max(10, min(100, n // 100)),
        l2_regularization=1.0,
        categorical_features=mask if any(mask) else None,
        early_stopping=n >= 500,
        validation_fraction=0.15,
        n_iter_no_change=25,
        random_state=random_state,
    )
    return Pipeline([("columns", columns), ("model", model)])


def candidate_pipelines(spec: FeatureSpec, n: int, random_state: int = 0) -> dict[str, Pipeline]:
    """The candidates training chooses among, by name."""
    candidates = {
        "logistic regression (C=0.1)": _logistic_pipeline(spec, n, 0.1),
        "logistic regression (C=1)": _logistic_pipeline(spec, n, 1.0),
    }
    if n >= 100:  # trees need some data; with less they only add variance to the choice
        candidates["gradient-boosted trees"] = _boosted_trees_pipeline(spec, n, random_state)
    return candidates


def weighted_auc(y, p, sample_weight=None) -> float:
    """AUC, weighted when weights are given (inverse selection probabilities: an estimate over all
    leads from the followed-up and explored ones); NaN when one class is missing."""
    y = np.asarray(y, dtype=int)
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, p, sample_weight=sample_weight))


@dataclass
class Calibrator:
    """Maps a pipeline's raw probability to a calibrated one (sigmoid or isotonic).

    Both are strictly increasing in the raw score, so calibration never reorders or ties leads and
    costs no AUC: isotonic steps are blended with a tiny share of the raw score (`blend`), and a
    sigmoid fit whose slope is not positive (no signal in a small sample) is replaced by isotonic.
    `check` holds the out-of-sample AUC of the raw and calibrated scores the fit was checked on.
    """

    method: str
    platt: LogisticRegression | None = None
    isotonic: IsotonicRegression | None = None
    check: dict | None = None

    @staticmethod
    def _logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p)).reshape(-1, 1)

    @classmethod
    def fit(cls, raw: np.ndarray, y: np.ndarray, sample_weight=None) -> Calibrator:
        raw = np.asarray(raw, dtype=float)
        if len(y) >= ISOTONIC_MIN_OUTCOMES:
            calibrator = cls._isotonic(raw, y, sample_weight)
        else:
            platt = LogisticRegression(C=1e4, max_iter=1000)
            platt.fit(cls._logit(raw), y, sample_weight=sample_weight)
            calibrator = cls(method="sigmoid", platt=platt)
            if platt.coef_[0, 0] <= 0:  # a flat or reversed sigmoid would tie or reverse the ranking
                calibrator = cls._isotonic(raw, y, sample_weight)
        raw_auc = weighted_auc(y, raw, sample_weight)
        calibrated_auc = weighted_auc(y, calibrator.transform(raw), sample_weight)
        if calibrated_auc < raw_auc - 1e-12 and calibrator.method == "isotonic":
            # Only floating point could tie raw scores this close; the sigmoid keeps their order.
            platt = LogisticRegression(C=1e4, max_iter=1000).fit(
                cls._logit(raw), y, sample_weight=sample_weight
            )
            if platt.coef_[0, 0] > 0:
                calibrator = cls(method="sigmoid", platt=platt)
                calibrated_auc = weighted_auc(y, calibrator.transform(raw), sample_weight)
        calibrator.check = {
            "auc_raw": None if np.isnan(raw_auc) else raw_auc,
            "auc_calibrated": None if np.isnan(calibrated_auc) else calibrated_auc,
            "n": int(len(y)),
        }
        return calibrator

    @classmethod
    def _isotonic(cls, raw, y, sample_weight) -> Calibrator:
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        iso.fit(raw, y, sample_weight=sample_weight)
        return cls(method="isotonic", isotonic=iso)

    def transform(self, raw: np.ndarray) -> np.ndarray:
        if self.method == "isotonic":
            return self.blend(self.isotonic.predict(raw), raw)
        return self.platt.predict_proba(self._logit(raw))[:, 1]

    def steps_only(self, raw: np.ndarray) -> np.ndarray:
        """The calibration without the tie-break: what plain isotonic steps would score (to measure
        what ties would cost)."""
        if self.method == "isotonic":
            return self.isotonic.predict(raw)
        return self.transform(raw)

    @staticmethod
    def blend(calibrated: np.ndarray, raw: np.ndarray) -> np.ndarray:
        # Isotonic steps tie scores that the model ranks apart; a tiny share of the raw
        # score keeps the ranking (and so the AUC) without moving the probability.
        return np.clip(0.999 * calibrated + 0.001 * raw, 0.0, 1.0)


@dataclass
class ScoringModel:
    """A fitted, calibrated conversion model with what it was trained on."""

    spec: FeatureSpec
    pipeline: Pipeline
    calibrator: Calibrator
    name: str
    selection: dict[str, float]
    n_train: int
    positives: int
    reference: dict = field(default_factory=dict)  # per column: median or most common value
    reference_frame: pd.DataFrame | None = None  # a sample of training inputs, for drift
    training_scores: np.ndarray | None = None  # out-of-fold calibrated scores, for drift
    seconds: float = 0.0
    kind: str = "learned"
    sample_weighted: bool = False  # fitted with inverse selection probabilities as weights

    @property
    def description(self) -> str:
        return f"{self.name}, {self.calibrator.method} calibration"

    def raw_proba(self, frame: pd.DataFrame) -> np.ndarray:
        with one_thread():
            return self.pipeline.predict_proba(prepare_frame(frame, self.spec))[:, 1]

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        if len(frame) == 0:
            return np.zeros(0)
        return self.calibrator.transform(self.raw_proba(frame))


def _reference_values(prepared: pd.DataFrame, spec: FeatureSpec) -> dict:
    reference = {}
    for column in spec.numeric:
        values = prepared[column].dropna()
        reference[column] = float(values.median()) if len(values) else 0.0
    for column in spec.categorical:
        reference[column] = str(prepared[column].mode().iloc[0])
    return reference


def _out_of_sample_scores(
    pipelines: dict[str, Pipeline], x: pd.DataFrame, y: np.ndarray, random_state: int, weight=None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Raw scores of each candidate on rows it was not fitted on, and which rows those are."""
    n = len(y)
    min_class = int(min(y.sum(), n - y.sum()))
    scores = {name: np.full(n, np.nan) for name in pipelines}
    if n > HOLDOUT_ABOVE:
        train_idx, test_idx = train_test_split(
            np.arange(n), test_size=0.25, stratify=y, random_state=random_state
        )
        splits = [(train_idx, test_idx)]
    else:
        folds = max(2, min(3, min_class))
        splits = StratifiedKFold(folds, shuffle=True, random_state=random_state).split(x, y)
    for train_idx, test_idx in splits:
        for name, pipeline in pipelines.items():
            fitted = _fit(
                pipeline, x.iloc[train_idx], y[train_idx], None if weight is None else weight[train_idx]
            )
            scores[name][test_idx] = fitted.predict_proba(x.iloc[test_idx])[:, 1]
    covered = ~np.isnan(next(iter(scores.values())))
    return scores, covered


def _clone(pipeline: Pipeline) -> Pipeline:
    return clone(pipeline)


def _fit(pipeline: Pipeline, x: pd.DataFrame, y: np.ndarray, weight) -> Pipeline:
    fitted = _clone(pipeline)
    if weight is None:
        return fitted.fit(x, y)
    return fitted.fit(x, y, model__sample_weight=weight)


def inverse_probability_weights(selection_probability, floor: float = 1e-3) -> np.ndarray | None:
    """1 / selection probability per outcome (missing: 1, followed up outside the call list), or
    None when every weight is 1, so unweighted training stays exactly what it was. The floor caps a
    weight at 1/floor: one explored lead must not outweigh everything else."""
    if selection_probability is None:
        return None
    p = pd.to_numeric(pd.Series(np.asarray(selection_probability, dtype=object)), errors="coerce")
    p = p.to_numpy(dtype=float)
    p = np.where(np.isfinite(p) & (p > 0), np.clip(p, floor, 1.0), 1.0)
    if np.all(p == 1.0):
        return None
    return 1.0 / p


def train_scoring_model(
    frame: pd.DataFrame,
    y,
    excluded_columns: tuple[str, ...] | list[str] = (),
    random_state: int = 0,
    sample_weight=None,
) -> ScoringModel:
    """Infer features, choose the best candidate by internal validation, calibrate, refit on all rows.

    `sample_weight` (inverse selection probabilities, see `inverse_probability_weights`) makes the
    fit, the choice of candidate and the calibration estimate what holds over all leads, not only
    over the followed-up ones."""
    # One thread: on a shared machine OpenMP's spinning threads make tree fits 50x slower,
    # and web workers and the ml queue already run in parallel processes.
    with threadpool_limits(1):
        return _train(frame, y, excluded_columns, random_state, sample_weight)


def _train(frame, y, excluded_columns, random_state, sample_weight=None) -> ScoringModel:
    started = time.monotonic()
    y = np.asarray(y, dtype=int)
    if len(y) != len(frame):
        raise TrainingError("outcomes and rows differ in length")
    positives = int(y.sum())
    if min(positives, len(y) - positives) < MIN_CLASS_OUTCOMES:
        raise TrainingError(
            f"need at least {MIN_CLASS_OUTCOMES} won and {MIN_CLASS_OUTCOMES} lost outcomes "
            f"(have {positives} won, {len(y) - positives} lost)"
        )
    weight = None
    if sample_weight is not None:
        weight = np.asarray(sample_weight, dtype=float)
        if len(weight) != len(y) or not np.all(np.isfinite(weight)) or np.any(weight <= 0):
            raise TrainingError("sample weights must be positive numbers, one per outcome")
    frame = frame.reset_index(drop=True)
    spec = infer_feature_spec(frame, y, excluded_columns)
    if not spec.columns:
        raise TrainingError("no usable columns: every column was excluded")
    x = prepare_frame(frame, spec)
    pipelines = candidate_pipelines(spec, len(y), random_state)
    scores, covered = _out_of_sample_scores(pipelines, x, y, random_state, weight)
    w_cov = None if weight is None else weight[covered]
    selection = {name: weighted_auc(y[covered], raw[covered], w_cov) for name, raw in scores.items()}
    # Ties (and NaN) go to the first candidate: the simplest, a regularised logistic regression.
    best = max(selection, key=lambda k: (np.nan_to_num(selection[k], nan=-1.0), -list(selection).index(k)))
    calibrator = Calibrator.fit(scores[best][covered], y[covered], w_cov)
    pipeline = _fit(pipelines[best], x, y, weight)
    sample = x.sample(min(REFERENCE_ROWS, len(x)), random_state=random_state)
    return ScoringModel(
        spec=spec,
        pipeline=pipeline,
        calibrator=calibrator,
        name=best,
        selection=selection,
        n_train=len(y),
        positives=positives,
        reference=_reference_values(x, spec),
        reference_frame=sample,
        training_scores=calibrator.transform(scores[best][covered]),
        seconds=time.monotonic() - started,
        sample_weighted=weight is not None,
    )
