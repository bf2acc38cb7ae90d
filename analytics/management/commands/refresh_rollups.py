"""`manage.py refresh_rollups [--workspace SLUG]`: bring the dashboard's daily rollups up to date now."""

from django.core.management.base import BaseCommand

from analytics.tasks import refresh_workspace
from workspaces.commands import add_workspace_argument, workspace_from_options
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Recompute the dashboard's daily rollups: touched and newly closed days (all after a time-zone change)."

    def add_arguments(self, parser):
        add_workspace_argument(
            parser, required=False, help="slug of one workspace (default: every workspace)"
        )

    def handle(self, *args, **options):
        if options["workspace"]:
            workspaces = [workspace_from_options(options)[0]]
        else:
            workspaces = Workspace.objects.all()
        for workspace in workspaces:
            done = refresh_workspace(workspace)
            if done is None:
                self.stdout.write(f"{workspace.slug}: another refresh is running, skipped")
                continue
            summary = ", ".join(
                f"{key} {'all days' if days is None else f'{len(days)} day(s)'}" for key, days in done.items()
            )
            self.stdout.write(f"{workspace.slug}: {summary}")
