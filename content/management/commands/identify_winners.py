"""python manage.py identify_winners --workspace SLUG [--json]"""

import json

from django.core.management.base import BaseCommand, CommandError

from content.models import WinnerRun
from content.services.winner_job import run_winner_job
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = "Run the winner job for a workspace now and print every experiment's decision."

    def add_arguments(self, parser):
        add_workspace_argument(parser, create=True, help="Workspace slug (created if missing).")
        parser.add_argument("--json", action="store_true", help="Print the decisions as JSON.")

    def handle(self, *args, **options):
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stderr.write(f"Created workspace '{workspace.slug}'.")
        run = run_winner_job(workspace, trigger=WinnerRun.Trigger.COMMAND)
        if run.status == WinnerRun.Status.SKIPPED:
            raise CommandError(" ".join(run.error_messages))
        decisions = run.decisions.select_related("experiment", "experiment__brand").order_by(
            "experiment__brand__name", "experiment__name"
        )
        rows = [
            {
                "brand": d.experiment.brand.name,
                "experiment": d.experiment.name,
                "experiment_id": str(d.experiment_id),
                "status": d.status,
                "winner": d.winner_variant or None,
                "winner_post_id": d.winner_post.external_id if d.winner_post else None,
                "metric": d.metric,
                "prob_best": d.prob_best,
                "expected_loss": {f["label"]: f["expected_loss"] for f in d.figures},
                "srm_p_value": d.srm_p_value,
                "needs_more_impressions": d.needs_more_impressions,
                "recommended_split": _split(d),
                "reason": d.reason,
            }
            for d in decisions
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "run_date": run.run_date.isoformat(),
                        "stats": {**run.stats, "no_meaningful_difference": run.no_meaningful_difference},
                        "decisions": rows,
                    },
                    indent=2,
                )
            )
            return
        for row in rows:
            self.stdout.write(f"{row['brand']} / {row['experiment']}: {_verdict(row)} — {row['reason']}")
        stats = {**run.stats, "no_meaningful_difference": run.no_meaningful_difference}
        self.stdout.write(
            f"{stats['brands_processed']} brands, {stats['experiments_processed']} experiments, "
            f"{stats['winners_identified']} winners, {stats['no_meaningful_difference']} with no meaningful "
            f"difference, {stats['errors']} errors."
        )


def _split(decision):
    shares = {f["label"]: f.get("recommended_share") for f in decision.figures}
    return shares if all(v is not None for v in shares.values()) and shares else None


def _verdict(row):
    if row["winner"]:
        return row["winner"]
    return "no meaningful difference" if row["status"] == "no_meaningful_difference" else "no winner"
