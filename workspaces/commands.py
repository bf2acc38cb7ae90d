"""The ``--workspace SLUG`` argument every management command takes, and the workspace it names."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from workspaces.models import Workspace
from workspaces.services import get_or_create_workspace


def add_workspace_argument(parser, *, create=False, required=True, default=None, help=None):
    """Add ``--workspace SLUG``; ``create`` only changes the help ("created when missing")."""
    if help is None:
        help = "Workspace slug (created when missing)." if create else "Workspace slug."
    if default is not None:
        required = False
    parser.add_argument("--workspace", required=required, default=default, help=help)


def workspace_from_options(options, *, create=False):
    """``(workspace, created)`` for ``options["workspace"]``. Without ``create`` the workspace must
    exist (CommandError "No workspace 'slug'."); with it a missing one is made from the slug."""
    slug = options.get("workspace") or ""
    if not create:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace {slug!r}.")
        return workspace, False
    try:
        return get_or_create_workspace(slug)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
