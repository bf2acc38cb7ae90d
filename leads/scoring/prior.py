"""The transparent prior used before a workspace has outcomes: a published points rule (docs/leads.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import FeatureSpec, prepare_frame

PRIOR_VERSION = "prior-1"
BASE_RATE = 0.20
# column: (weight per unit of log(1 + value), typical value)
PRIOR_TERMS = {
    "email_opens": (0.35, 5.0),
    "website_visits": (0.45, 3.0),
    "content_downloads": (0.60, 1.0),
    "days_since_contact": (-0.50, 14.0),
}


class PriorModel:
    """Same interface as a trained model: spec, reference, predict_proba, description."""

    kind = "prior"
    name = "no-outcome prior"
    description = "rule-based prior (no outcomes yet)"
    version = PRIOR_VERSION

    def __init__(self):
        self.spec = FeatureSpec(numeric=list(PRIOR_TERMS))
        self.reference = {c: typical for c, (_, typical) in PRIOR_TERMS.items()}

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.predict_matrix(prepare_frame(frame, self.spec).to_numpy(dtype=float))

    def predict_matrix(self, x: np.ndarray) -> np.ndarray:
        """The same on the prepared numeric columns (in `spec.numeric` order) as a float matrix."""
        logit = np.full(len(x), np.log(BASE_RATE / (1 - BASE_RATE)))
        for i, (weight, typical) in enumerate(PRIOR_TERMS.values()):
            values = np.clip(x[:, i], 0, None)
            term = weight * (np.log1p(values) - np.log1p(typical))
            logit += np.where(np.isnan(term), 0.0, term)
        return 1 / (1 + np.exp(-logit))


# The rule in words, as the scoring pages show it.
RULE_IN_WORDS = (
    "Every lead starts at a 20% chance. Engagement moves it up and time since the last contact moves "
    "it down, each on a log scale around a typical lead (5 email opens, 3 website visits, 1 content "
    "download, 14 days since contact). A missing value leaves the score where it is. The weights are "
    "a stated judgement, not learned; the first model trained on real outcomes replaces this rule."
)


def describe_prior() -> str:
    return RULE_IN_WORDS
