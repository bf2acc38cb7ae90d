"""The --workspace argument of management commands: an existing workspace, or one made from the slug."""

import argparse

import pytest
from django.core.management.base import CommandError

from workspaces.commands import add_workspace_argument, workspace_from_options
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_an_existing_workspace_is_found_by_its_slug(workspace):
    assert workspace_from_options({"workspace": workspace.slug}) == (workspace, False)


def test_a_missing_workspace_is_a_clear_command_error():
    with pytest.raises(CommandError, match=r"^No workspace 'nowhere'\.$"):
        workspace_from_options({"workspace": "nowhere"})


def test_create_makes_the_workspace_from_the_slug():
    workspace, created = workspace_from_options({"workspace": "Sales Team"}, create=True)
    assert created and workspace.slug == "sales-team" and workspace.name == "Sales Team"
    assert workspace_from_options({"workspace": "sales-team"}, create=True) == (workspace, False)


def test_create_refuses_an_empty_slug():
    with pytest.raises(CommandError, match="A workspace slug is required."):
        workspace_from_options({"workspace": "  "}, create=True)
    assert not Workspace.objects.exists()


def test_the_argument_is_required_unless_it_has_a_default():
    parser = argparse.ArgumentParser()
    add_workspace_argument(parser, create=True)
    assert parser.parse_args(["--workspace", "acme"]).workspace == "acme"
    with_default = argparse.ArgumentParser()
    add_workspace_argument(with_default, default="default")
    assert with_default.parse_args([]).workspace == "default"
