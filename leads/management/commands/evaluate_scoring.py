"""`evaluate_scoring --workspace SLUG [--folds 5] [--repeats N] [--seed 0] --json`: cross-validate the
retraining procedure, reproducibly (or `--csv FILE --outcome-column C --positive V` on a file)."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from leads.scoring.evaluation import DEFAULT_SEED, evaluate_procedure
from leads.scoring.training import HOLDOUT_ABOVE, TrainingError
from leads.services.scoring.records import SELECTION_PROBABILITY
from leads.services.scoring.retraining import training_data
from leads.services.scoring.settings import scoring_settings
from workspaces.commands import add_workspace_argument, workspace_from_options

MAX_REPEATS = 50


def _csv_data(options):
    """(frame, y, selection probabilities or None) from a CSV file with an outcome column."""
    path = Path(options["csv"])
    column, positive = options["outcome_column"], options["positive"]
    if not column or not positive:
        raise CommandError("--csv needs --outcome-column and --positive (the value that means won).")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    if column not in frame.columns:
        raise CommandError(f"--outcome-column {column!r} is not a column of {path.name}.")
    y = (frame.pop(column).astype(str).str.strip() == positive).to_numpy(dtype=int)
    probability = frame.pop(SELECTION_PROBABILITY) if SELECTION_PROBABILITY in frame.columns else None
    # Numbers read as text are numbers again (what the import does for typed columns).
    for name in frame.columns:
        converted = pd.to_numeric(frame[name], errors="coerce")
        if converted.notna().sum() == frame[name].notna().sum():
            frame[name] = converted
    return frame, y, None if probability is None else probability.to_numpy()


class Command(BaseCommand):
    help = (
        "Run the exact training procedure retraining uses inside repeated stratified K-fold "
        "cross-validation on the workspace's leads with outcomes (or a CSV file); print AUC (mean, "
        "spread over folds and over repeats), the uncalibrated AUC, Brier, n and the model. Seeded: "
        "the same data give the same figures on every run."
    )

    def add_arguments(self, parser):
        add_workspace_argument(parser, required=False)
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--repeats",
            type=int,
            default=None,
            help=f"K-fold repeated with different shuffles (default 5; 1 above {HOLDOUT_ABOVE} outcomes)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the folds and models")
        parser.add_argument("--csv", default="", help="evaluate a CSV file instead of a workspace")
        parser.add_argument("--outcome-column", default="", help="with --csv: the outcome column")
        parser.add_argument("--positive", default="", help="with --csv: the value that means won")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        if options["repeats"] is not None and not 1 <= options["repeats"] <= MAX_REPEATS:
            raise CommandError(f"--repeats must be between 1 and {MAX_REPEATS}.")
        if not 0 <= options["seed"] < 2**32:
            raise CommandError("--seed must be between 0 and 4294967295.")
        if options["csv"]:
            frame, y, probability = _csv_data(options)
            excluded = []
        else:
            if not options.get("workspace"):
                raise CommandError("Give --workspace SLUG (or --csv FILE).")
            workspace, _ = workspace_from_options(options)
            frame, y, _, probability = training_data(workspace, with_probabilities=True)
            excluded = scoring_settings(workspace).excluded_columns or []
        repeats = options["repeats"] or (5 if len(y) <= HOLDOUT_ABOVE else 1)
        try:
            result = evaluate_procedure(
                frame,
                np.asarray(y),
                folds=options["folds"],
                excluded_columns=excluded,
                random_state=options["seed"],
                repeats=repeats,
                selection_probability=probability,
            )
        except TrainingError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(_without_nan(result)))
            return
        spread = result["auc_repeats"]
        line = (
            f"AUC {result['auc']:.4f} ± {result['auc_std']:.4f} over {result['folds']} folds"
            f" (x{result['repeats']} repeats, seed {result['seed']}"
        )
        if result["repeats"] > 1:
            line += f"; per repeat {spread['low']:.4f}–{spread['high']:.4f}, sd {spread['sd']:.4f}"
        line += (
            f"), uncalibrated {result['auc_uncalibrated']:.4f}, Brier {result['brier']:.4f}, "
            f"n={result['n']} ({result['positives']} won); model: {result['model']}"
        )
        if result["auc_ipw"]:
            line += f"; {result['auc_ipw']['estimate']}: {result['auc_ipw']['value']:.4f}"
        self.stdout.write(line)


def _without_nan(value):
    """JSON has no NaN (an AUC of a fold with one class): null instead."""
    if isinstance(value, dict):
        return {key: _without_nan(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_without_nan(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
