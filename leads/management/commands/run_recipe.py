"""Run a recipe now, in this process: fetch its leads, filter them by the preferences, store the kept ones."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from leads.models import Recipe
from leads.services.execution_worker import run_execution
from leads.services.executions import start_execution
from workspaces.commands import add_workspace_argument, workspace_from_options


class Command(BaseCommand):
    help = "Run a recipe of a workspace and print the filtering impact (the same pipeline the worker runs)."

    def add_arguments(self, parser):
        add_workspace_argument(parser, create=True)
        parser.add_argument("--recipe", required=True, help="Recipe name or id.")
        parser.add_argument(
            "--input",
            default=None,
            help='JSON object merged into the recipe input, e.g. \'{"search_query": "x"}\'.',
        )
        parser.add_argument(
            "--csv", default=None, help="Run on the leads of this CSV file instead of asking the agent."
        )

    def handle(self, *args, workspace, recipe, input, csv, **options):
        ws, created = workspace_from_options({"workspace": workspace}, create=True)
        if created:
            self.stdout.write(f"Created workspace {ws.slug} (it has no recipes yet).")
        recipes = Recipe.objects.for_workspace(ws).select_related("agent")
        found = recipes.filter(name=recipe).first()
        if found is None:
            try:
                found = recipes.filter(pk=recipe).first()
            except ValidationError:
                found = None
        if found is None:
            names = ", ".join(recipes.values_list("name", flat=True)) or "none"
            raise CommandError(f"No recipe {recipe!r} in workspace {ws.slug}. Recipes: {names}.")
        try:
            input_data = json.loads(input) if input else None
        except ValueError as error:
            raise CommandError(f"--input is not valid JSON: {error}") from None
        csv_content = None
        if csv:
            try:
                with open(csv, "rb") as handle:
                    csv_content = handle.read()
            except OSError as error:
                raise CommandError(f"Cannot read {csv}: {error}") from None
        try:
            execution = start_execution(
                ws, found, input_data=input_data, csv_content=csv_content, dispatch=False
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        run_execution(execution.id)
        execution.refresh_from_db()
        impact = execution.filtering_impact or {}
        self.stdout.write(f"Execution {execution.id}: {execution.status} in {execution.duration_ms} ms")
        if execution.error:
            self.stdout.write(f"  reason: {execution.error}")
        for warning in execution.warnings:
            self.stdout.write(f"  warning: {warning}")
        if impact:
            self.stdout.write(
                f"  generated {impact['generated']}, matched {impact['matched']}, kept {impact['kept']}"
            )
            for name in impact.get("criteria", []):
                self.stdout.write(
                    f"  {name}: {impact['failed'][name]} failed it, {impact['sole_cause'][name]} removed by it alone"
                )
        if execution.status == "failed":
            raise CommandError("The execution failed.")
