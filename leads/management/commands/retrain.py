"""`retrain --workspace SLUG`: one retraining now, the same procedure as the automatic one."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from leads.services.scoring.retraining import retrain
from workspaces.commands import add_workspace_argument, workspace_from_options
from workspaces.locks import job_lease


class Command(BaseCommand):
    help = "Train a challenger now, compare it with the champion and promote it or keep the champion."

    def add_arguments(self, parser):
        add_workspace_argument(parser)

    def handle(self, *args, **options):
        workspace, _ = workspace_from_options(options)
        with job_lease(f"retrain:{workspace.id}", settings.LEADS_RETRAIN_LEASE_SECONDS) as acquired:
            if not acquired:
                raise CommandError("A retraining of this workspace is running; try again when it ends.")
            version = retrain(workspace, trigger="command")
        self.stdout.write(f"{version.label}: {version.reason}")
