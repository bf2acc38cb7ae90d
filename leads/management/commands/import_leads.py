"""`import_leads FILE.csv --workspace SLUG [--id-column COL] [--outcome-column COL --positive VALUE]`."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from leads.services.imports import import_leads
from workspaces.services import get_or_create_workspace


class Command(BaseCommand):
    help = (
        "Import leads (and outcomes) from a CSV. Every column becomes a core lead field (by name) or "
        "an attribute. Re-importing the same file changes nothing. Bad rows are listed and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="workspace slug (created when missing)")
        parser.add_argument("--id-column", default="", help="column with the CRM's lead id")
        parser.add_argument("--outcome-column", default="", help="column with the outcome")
        parser.add_argument("--positive", default="", help="value of the outcome column that means won")
        parser.add_argument("--errors", default="", help="write the error report to this CSV file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["outcome_column"] and not options["positive"]:
            raise CommandError("--outcome-column needs --positive VALUE (the value that means won).")
        try:
            workspace, created = get_or_create_workspace(options["workspace"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if created:
            self.stdout.write(f"Created workspace '{workspace.slug}'.")
        try:
            result = import_leads(
                workspace,
                path.read_bytes(),
                id_column=options["id_column"],
                outcome_column=options["outcome_column"],
                positive=options["positive"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{result.rows} rows: {result.created} leads created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.outcomes} outcomes recorded, "
            f"{result.error_count} errors."
        )
        for row, column, reason in result.errors[:20]:
            self.stderr.write(f"row {row}, column '{column}': {reason}")
        if result.error_count > 20:
            self.stderr.write(f"... and {result.error_count - 20} more errors.")
        if options["errors"] and result.errors:
            from leads.imports import errors_as_csv

            Path(options["errors"]).write_text(errors_as_csv(result.errors))
            self.stdout.write(f"Error report written to {options['errors']}.")
