"""A seeded simulation of the call list's learning loop: does the model keep learning when the team
only follows up the top of the list, with and without exploration and inverse-probability weights?

Pure (NumPy and scikit-learn, no database): the test, the benchmark scenario and the docs' figures
all run `simulate_call_list_learning`.

The population. Leads have four features; their true conversion probability is known. Two features
raise it everywhere (what the team's first rule already scores on); a third raises it only for leads
whose first feature is low, so its effect lives below the cut of a list ranked by the first two (a
"rescue" signal: weakly engaged leads that still convert for another reason); the fourth is noise.
Nothing in the learner knows this: it is a logistic regression on the standardised features (the
candidate training chooses on most tables), which cannot represent the interaction, so the leads it
learns from decide which compromise it fits: the one for the followed-up leads or the one for all.

Each round a fresh batch of leads arrives, the current model ranks it, the team calls the list and
records the outcomes of the leads it called, and the model is retrained on every outcome so far.
Arms:
- `top only`: the list is the top of the ranking, no exploration, unweighted training;
- `exploration + IPW`: a share of the list is drawn at random from below the cut, each lead's
  selection probability is kept, training weights outcomes by 1 / probability;
- `exploration, unweighted`: the same outcomes, trained without the weights (a diagnostic);
- `random sample`: a model trained on a uniform random sample of the same size each round (what an
  unbiased sample would give: the reference).
Every model is measured by its AUC over all leads of a fixed evaluation population against the
simulation's truth (the expected AUC: each lead counts as won with weight p and lost with 1 - p), so
the figure has no outcome noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

ARMS = ("top only", "exploration + IPW", "exploration, unweighted", "random sample")


@dataclass
class SimulationSettings:
    rounds: int = 20
    batch: int = 2000  # new leads per round
    list_size: int = 200  # calls per round
    exploration_share: float = 0.10
    evaluation_leads: int = 5000
    seed: int = 0


@dataclass
class SimulationResult:
    settings: SimulationSettings
    auc: dict[str, list[float]] = field(default_factory=dict)  # per arm, AUC after each round
    outcomes: dict[str, int] = field(default_factory=dict)  # per arm, outcomes learned from
    explored: int = 0  # outcomes of explored leads in the exploration arms
    best_auc: float = 0.0  # AUC of the true probabilities: the ceiling

    def final(self, arm: str, last: int = 1) -> float:
        """Mean AUC of an arm over its last `last` rounds."""
        return float(np.mean(self.auc[arm][-last:]))


def features(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, 4))


def true_probability(x: np.ndarray) -> np.ndarray:
    """The simulation's truth. Feature 2 moves the log-odds by 2 per standard deviation for leads
    whose feature 0 is below -0.3 and fades out above it: it matters for the leads a list ranked on
    features 0 and 1 leaves below its cut, and hardly at all for the ones it keeps."""
    rescue = 2.0 * x[:, 2] / (1.0 + np.exp(6.0 * (x[:, 0] + 0.3)))
    logit = -2.0 + 1.0 * x[:, 0] + 0.8 * x[:, 1] + rescue
    return 1.0 / (1.0 + np.exp(-logit))


def first_rule(x: np.ndarray) -> np.ndarray:
    """The team's starting score before any outcome: the two obvious factors, equally weighted."""
    return x[:, 0] + x[:, 1]


def _learner():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))


def _fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None):
    if len(np.unique(y)) < 2:
        return None
    model = _learner()
    if weight is None:
        return model.fit(x, y)
    return model.fit(x, y, logisticregression__sample_weight=weight)


def _score(model, x: np.ndarray) -> np.ndarray:
    return first_rule(x) if model is None else model.predict_proba(x)[:, 1]


def expected_auc(score: np.ndarray, p: np.ndarray) -> float:
    """AUC against the truth: every lead is a win with weight p and a loss with weight 1 - p."""
    n = len(score)
    labels = np.concatenate([np.ones(n), np.zeros(n)])
    return float(
        roc_auc_score(labels, np.concatenate([score, score]), sample_weight=np.concatenate([p, 1 - p]))
    )


def call_list(
    score: np.ndarray, size: int, exploration_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(indices called, their selection probabilities): the top `size - explored` by score, plus
    `explored` leads drawn uniformly from the rest (probability explored / rest each)."""
    order = np.argsort(-score, kind="stable")
    explored = int(round(size * exploration_share))
    top = order[: size - explored]
    rest = order[size - explored :]
    picked = rng.choice(rest, size=min(explored, len(rest)), replace=False) if explored else rest[:0]
    probability = np.concatenate([np.ones(len(top)), np.full(len(picked), len(picked) / max(len(rest), 1))])
    return np.concatenate([top, picked]), probability


def simulate_call_list_learning(settings: SimulationSettings | None = None) -> SimulationResult:
    """Run every arm for `settings.rounds` rounds on the same batches of leads; seeded throughout."""
    with threadpool_limits(1):  # one core: the same speed on a busy machine, no thread spin
        return _simulate(settings or SimulationSettings())


def _simulate(s: SimulationSettings) -> SimulationResult:
    rng = np.random.default_rng(s.seed)
    x_eval = features(rng, s.evaluation_leads)
    p_eval = true_probability(x_eval)
    result = SimulationResult(settings=s, best_auc=expected_auc(p_eval, p_eval))
    # Each arm draws its own outcomes and lists from its own stream, so arms do not share luck
    # through the order of draws; the lead batches are the same for every arm.
    arm_rng = {arm: np.random.default_rng([s.seed, i]) for i, arm in enumerate(ARMS)}
    seen: dict[str, list] = {arm: [[], [], []] for arm in ARMS}  # x, y, weight
    models: dict[str, object] = {arm: None for arm in ARMS}
    result.auc = {arm: [] for arm in ARMS}
    explored = 0
    for _round in range(s.rounds):
        x = features(rng, s.batch)
        p = true_probability(x)
        for arm in ARMS:
            r = arm_rng[arm]
            if arm == "random sample":
                called = r.choice(s.batch, size=s.list_size, replace=False)
                probability = np.ones(len(called))  # uniform: weights would all be equal
            else:
                share = 0.0 if arm == "top only" else s.exploration_share
                called, probability = call_list(_score(models[arm], x), s.list_size, share, r)
                if arm == "exploration + IPW":
                    explored += int((probability < 1).sum())
            won = (r.random(len(called)) < p[called]).astype(int)
            seen[arm][0].append(x[called])
            seen[arm][1].append(won)
            seen[arm][2].append(1.0 / probability)
            xs, ys = np.vstack(seen[arm][0]), np.concatenate(seen[arm][1])
            weight = np.concatenate(seen[arm][2]) if arm == "exploration + IPW" else None
            models[arm] = _fit(xs, ys, weight) or models[arm]
            result.auc[arm].append(expected_auc(_score(models[arm], x_eval), p_eval))
    result.outcomes = {arm: int(sum(len(v) for v in seen[arm][1])) for arm in ARMS}
    result.explored = explored
    return result
