import pytest
from django.core.management import call_command

from workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_demo_user_with_two_workspaces(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "username: demo" in out and "password:" in out
    assert Membership.objects.filter(user__username="demo").count() == 2
    assert Workspace.objects.filter(slug="demo").exists()


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "exists already" in capsys.readouterr().out
    assert Workspace.objects.filter(slug="demo").count() == 1
