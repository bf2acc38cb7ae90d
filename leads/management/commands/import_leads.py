"""`import_leads FILE.csv --workspace SLUG [--id-column COL] [--outcome-column COL --positive VALUE]`."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from leads.services.imports.importing import import_leads
from leads.services.imports.reading import (
    ImportProblem,
    decode_csv,
    errors_as_csv,
    guess_id_column,
    guess_outcome_column,
    read_header,
)
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = (
        "Import leads (and outcomes) from a CSV. Every column becomes a core lead field (by name) or "
        "an attribute. Re-importing the same file changes nothing. Bad rows are listed and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        add_workspace_argument(parser, create=True, help="workspace slug (created when missing)")
        parser.add_argument("--id-column", default="", help="column with the CRM's lead id")
        parser.add_argument("--outcome-column", default="", help="column with the outcome")
        parser.add_argument("--positive", default="", help="value of the outcome column that means won")
        parser.add_argument("--errors", default="", help="write the error report to this CSV file")
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="refuse the whole file if any row is bad (nothing is stored); by default the good rows are kept",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["outcome_column"] and not options["positive"]:
            raise CommandError("--outcome-column needs --positive VALUE (the value that means won).")
        hint = _hint(path, options)
        if hint:
            self.stderr.write(hint)
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stdout.write(f"Created workspace '{workspace.slug}'.")
        try:
            result = import_leads(
                workspace,
                path.read_bytes(),
                id_column=options["id_column"],
                outcome_column=options["outcome_column"],
                positive=options["positive"],
                all_or_nothing=options["all_or_nothing"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for note in result.notes:
            self.stdout.write(f"Note: {note}.")
        self.stdout.write(
            f"{result.rows} rows: {result.created} leads created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.outcomes} outcomes recorded, "
            f"{result.error_count} errors."
        )
        if result.refused:
            self.stdout.write("All or nothing: nothing was stored because of the errors below.")
        for row, column, reason in result.errors[:20]:
            self.stderr.write(f"row {row}, column '{column}': {reason}")
        if result.error_count > 20:
            self.stderr.write(f"... and {result.error_count - 20} more errors.")
        if options["errors"] and result.errors:
            Path(options["errors"]).write_text(errors_as_csv(result.errors))
            self.stdout.write(f"Error report written to {options['errors']}.")


def _hint(path, options) -> str:
    """Name the obvious columns the person did not pass, so a lead id is not filed as an attribute."""
    try:
        header, _rows = read_header(decode_csv(path.read_bytes()))
    except (ImportProblem, OSError):
        return ""  # the import itself says what is wrong with the file
    missed = []
    if not options["id_column"] and guess_id_column(header):
        missed.append(f"--id-column {guess_id_column(header)}")
    if not options["outcome_column"] and guess_outcome_column(header):
        missed.append(f"--outcome-column {guess_outcome_column(header)} --positive VALUE")
    if not missed:
        return ""
    return f"Hint: the file seems to have {' and '.join(missed)}; without them those columns are attributes."
