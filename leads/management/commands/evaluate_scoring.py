"""`evaluate_scoring --workspace SLUG [--folds 5] --json`: cross-validate the retraining procedure."""

import json

from django.core.management.base import BaseCommand, CommandError

from leads.scoring.evaluation import evaluate_procedure
from leads.scoring.training import TrainingError
from leads.services.scoring.retraining import training_data
from leads.services.scoring.settings import scoring_settings
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = (
        "Run the exact training procedure retraining uses inside stratified K-fold cross-validation "
        "on the workspace's leads with outcomes; print AUC (mean and spread), Brier, n and the model."
    )

    def add_arguments(self, parser):
        add_workspace_argument(parser)
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        workspace, _ = workspace_from_options(options)
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        frame, y, _ = training_data(workspace)
        excluded = scoring_settings(workspace).excluded_columns or []
        try:
            result = evaluate_procedure(frame, y, folds=options["folds"], excluded_columns=excluded)
        except TrainingError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"AUC {result['auc']:.4f} ± {result['auc_std']:.4f} over {result['folds']} folds, "
            f"Brier {result['brier']:.4f}, n={result['n']} ({result['positives']} won); "
            f"model: {result['model']}"
        )
