"""python manage.py ingest_metrics FILE.csv --workspace SLUG"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from content.services.ingest import ignored_columns, ingest_csv_text
from core import csvio
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = "Ingest a CSV of post metrics (one row per post and day) into a workspace."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="CSV with post_id, brand, platform, variant, experiment, "
            "text, date, impressions, clicks, conversions, revenue",
        )
        add_workspace_argument(parser, create=True, help="Workspace slug (created if missing).")
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="refuse the whole file if any row is bad (nothing is stored); by default the good rows are kept",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = csvio.upload_text(path.read_bytes())
        except ValidationError as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)}") from exc
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stdout.write(f"Created workspace '{workspace.slug}'.")

        def progress(processed, total, ingested, errors):
            self.stderr.write(f"\r{processed}/{total} rows", ending="")

        try:
            result = ingest_csv_text(
                workspace,
                text,
                progress=progress if options["verbosity"] > 1 else None,
                all_or_nothing=options["all_or_nothing"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        ignored = ignored_columns(text)
        if ignored:
            self.stderr.write(f"Ignored column(s) the import does not read: {', '.join(ignored)}.")
        for error in result["errors"]:
            reasons = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error["errors"].items())
            self.stderr.write(f"line {error['line']} ({error['post_id'] or 'no post_id'}): {reasons}")
        if result.get("refused"):
            self.stdout.write("All or nothing: nothing was stored because of the rejected rows.")
        self.stdout.write(
            f"Ingested {result['ingested']} of {result['total_rows']} rows into '{workspace.slug}'; "
            f"{len(result['errors'])} rejected."
        )
