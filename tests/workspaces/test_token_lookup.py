"""The hand-written token lookup behind every API call gives what the ORM gives, for every state a
token and its creator can be in."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.workspaces.factories import ApiTokenFactory, MembershipFactory, UserFactory, WorkspaceFactory
from workspaces.api_auth import TokenAuth, find_active_token
from workspaces.models import ApiToken, Membership, Role, hash_token

pytestmark = pytest.mark.django_db


class _Request:
    pass


def _orm_answer(raw):
    """What the lookup must say, the ORM's way: the token, and whether (and how) it opens."""
    token = (
        ApiToken.objects.active()
        .select_related("workspace", "created_by")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None:
        return None
    creator = token.created_by
    if creator is None:
        return (token.pk, token.workspace.name, True)
    if not creator.is_active:
        return None
    if creator.is_superuser:
        return (token.pk, token.workspace.name, token.can_write)
    role = (
        Membership.objects.filter(workspace=token.workspace, user=creator)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        return None
    return (token.pk, token.workspace.name, token.can_write and role in (Role.OWNER, Role.MEMBER))


def test_every_token_state_opens_what_the_orm_says():
    workspace = WorkspaceFactory(name="Team Ω", timezone="Europe/Berlin")
    people = {role: MembershipFactory(workspace=workspace, role=role).user for role in Role.values}
    inactive = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    inactive.is_active = False
    inactive.save()
    outsider = UserFactory()  # no membership here (removed)
    admin = UserFactory(is_superuser=True)
    tokens = [ApiTokenFactory(workspace=workspace, raw="fl_none_1", created_by=None)]
    tokens += [
        ApiTokenFactory(workspace=workspace, raw=f"fl_{role}_1", created_by=user)
        for role, user in people.items()
    ]
    tokens += [
        ApiTokenFactory(workspace=workspace, raw="fl_ro_1", created_by=people[Role.OWNER], can_write=False),
        ApiTokenFactory(workspace=workspace, raw="fl_inactive_1", created_by=inactive),
        ApiTokenFactory(workspace=workspace, raw="fl_outsider_1", created_by=outsider),
        ApiTokenFactory(workspace=workspace, raw="fl_admin_1", created_by=admin),
        ApiTokenFactory(workspace=workspace, raw="fl_revoked_1", revoked_at=timezone.now()),
    ]
    raws = ["fl_none_1", *(f"fl_{role}_1" for role in people), "fl_ro_1", "fl_inactive_1", "fl_outsider_1"]
    raws += ["fl_admin_1", "fl_revoked_1", "fl_unknown_1", "", "x" * 200, "fl_none_1 ", "ｆl_none_1"]
    for raw in raws:
        request = _Request()
        token = TokenAuth().authenticate(request, raw)
        got = None if token is None else (token.pk, request.workspace.name, token.allows_write)
        assert got == _orm_answer(raw), raw
        if token is not None:
            assert request.workspace.timezone == "Europe/Berlin" and request.workspace.id == workspace.id
            assert request.workspace.created_at is not None  # not read by the lookup: loads when asked
    assert len(tokens) == 9


def test_last_use_is_written_at_most_once_a_minute():
    token = ApiTokenFactory(raw="fl_used_1")
    assert TokenAuth().authenticate(_Request(), "fl_used_1") is not None
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    TokenAuth().authenticate(_Request(), "fl_used_1")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    assert find_active_token("fl_used_1", used_before=first - dt.timedelta(minutes=1)).needs_last_used
    TokenAuth().authenticate(_Request(), "fl_used_1")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(minutes=2)
