"""Build a demo workspace and user with data for every loop, so a new user sees real pages at once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from content import demo as content_demo
from feedback import demo as feedback_demo
from leads import demo as leads_demo
from matching import demo as matching_demo
from workspaces.models import Membership, Role, Workspace

# Each loop's demo data, seeded in this order (analytics reads the loops and has none of its own).
DEMO_SEEDS = {
    "leads": leads_demo.seed,
    "content": content_demo.seed,
    "matching": matching_demo.seed,
    "feedback": feedback_demo.seed,
}


class Command(BaseCommand):
    help = "Create the demo workspace and user (idempotent; --reset rebuilds the demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo-feedback-2026")
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo workspaces.")

    def handle(self, *args, username, password, reset, **options):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        user.set_password(password)
        user.is_staff = True
        user.is_superuser = True
        user.save()

        if reset:
            Workspace.objects.filter(slug__in=["demo", "demo-second-team"]).delete()

        workspace, created = Workspace.objects.get_or_create(slug="demo", defaults={"name": "Demo team"})
        second, _ = Workspace.objects.get_or_create(slug="demo-second-team", defaults={"name": "Second team"})
        for ws in (workspace, second):
            Membership.objects.update_or_create(workspace=ws, user=user, defaults={"role": Role.OWNER})

        if created:
            for app, seed in DEMO_SEEDS.items():
                self.stdout.write(f"Seeding {app}…")
                with transaction.atomic():
                    seed(workspace, user)
        else:
            self.stdout.write("The demo workspace exists already; use --reset to rebuild its data.")

        self.stdout.write(self.style.SUCCESS("Demo ready at http://127.0.0.1:8000/"))
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
