"""python manage.py evaluate_matching --workspace SLUG [--folds 5] --json"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching.services.weights import evaluate
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = (
        "K-fold cross-validation by session of the learning procedure: top1, mean chosen rank and "
        "mean log-likelihood per held-out session, for the default weights and the learned model "
        "(with and without the customers' stated priorities: *_without_stated)."
    )

    def add_arguments(self, parser):
        add_workspace_argument(parser, create=True, help="workspace slug (created if missing)")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stderr.write(f"Created workspace {workspace.slug} (it has no choices yet).")
        try:
            result = evaluate(workspace, folds=options["folds"], seed=options["seed"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"{result['sessions']} sessions, {result['folds']}-fold cross-validation")
        for name in ("default", "learned"):
            m = result[name]
            self.stdout.write(
                f"{name:>8}: top1 {m['top1']:.3f}  mean chosen rank {m['mean_chosen_rank']:.3f}  "
                f"log-likelihood/session {m['log_likelihood']:.4f}"
            )
        m = result["learned"]
        self.stdout.write(
            f"{'learned without stated priorities':>8}: top1 {m['top1_without_stated']:.3f}  "
            f"mean chosen rank {m['mean_chosen_rank_without_stated']:.3f}  "
            f"log-likelihood/session {m['log_likelihood_without_stated']:.4f}"
        )
