"""`manage.py refresh_rollups [--workspace SLUG]`: bring the dashboard's daily rollups up to date now."""

from django.core.management.base import BaseCommand, CommandError

from analytics.tasks import refresh_workspace
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Recompute the dashboard's daily rollups: touched and newly closed days (all after a time-zone change)."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", help="slug of one workspace (default: every workspace)")

    def handle(self, *args, **options):
        workspaces = Workspace.objects.all()
        if options["workspace"]:
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"No workspace {options['workspace']!r}.")
        for workspace in workspaces:
            done = refresh_workspace(workspace)
            if done is None:
                self.stdout.write(f"{workspace.slug}: another refresh is running, skipped")
                continue
            summary = ", ".join(
                f"{key} {'all days' if days is None else f'{len(days)} day(s)'}" for key, days in done.items()
            )
            self.stdout.write(f"{workspace.slug}: {summary}")
