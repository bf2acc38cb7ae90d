"""python manage.py import_choices FILE.csv --workspace SLUG"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching.services.imports import EXACT_COLUMNS, import_choice_file
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = (
        "Import past choices from a long CSV (session_id, alternative, chosen 0/1, one numeric "
        "column per factor, optional segment, optional stated_<factor> 1-5 per session: the customer's "
        "stated priorities). Every alternative becomes a candidate."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        add_workspace_argument(parser, create=True, help="workspace slug (created if missing)")
        parser.add_argument(
            "--lower-is-better",
            default="",
            help="comma-separated factor columns where lower is better (e.g. price,distance)",
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="refuse the whole file if any row is bad (nothing is stored)",
        )

    def handle(self, *args, **options):
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stdout.write(f"Created workspace {workspace.slug}.")
        try:
            lower = [c.strip() for c in options["lower_is_better"].split(",") if c.strip()]
            result = import_choice_file(
                workspace,
                _read(options["file"]),
                EXACT_COLUMNS,
                all_or_nothing=options["all_or_nothing"],
                lower_is_better=lower,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        # Bad rows are skipped and listed (the same policy as the upload page).
        for line, column, reason in result["errors"][:20]:
            self.stderr.write(f"line {line}, column '{column}': {reason}")
        if len(result["errors"]) > 20:
            self.stderr.write(f"... and {len(result['errors']) - 20} more errors.")
        if result["refused"]:
            raise CommandError(
                f"All or nothing: {result['skipped']} bad rows (listed above), so nothing was imported."
            )
        report = result["report"]
        skipped = report["sessions"] - report["sessions_imported"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report['sessions_imported']} sessions ({report['rows']} rows) into "
                f"{workspace.slug}; factors: {', '.join(report['factors'])}; "
                f"{report['candidates_created']} new candidates; {skipped} sessions skipped "
                f"({report['sessions_without_choice']} without a choice, "
                f"{report['sessions_with_several_choices']} with several, "
                f"{report['sessions_with_one_candidate']} with one candidate)."
            )
        )
        if report.get("sessions_with_stated_priorities"):
            self.stdout.write(
                f"{report['sessions_with_stated_priorities']} sessions with stated priorities "
                "(stated_<factor> columns: priorities, not factors)."
            )
        if report["missing_values_filled"]:
            self.stdout.write(
                f"{report['missing_values_filled']} missing values filled with the factor median."
            )
        self.stdout.write(
            "New factors get default weight 1 and are higher-is-better unless named in "
            "--lower-is-better (change them in the admin)."
        )


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError({"file": [f"Cannot read the file: {exc.strerror or exc}."]}) from exc
