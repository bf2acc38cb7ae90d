"""Factories for users, workspaces, memberships and API tokens."""

import factory
from django.contrib.auth import get_user_model

from workspaces.models import ApiToken, AuditEvent, Membership, Role, WorkerHeartbeat, Workspace, hash_token

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """Build with ApiTokenFactory(raw="...") to know the raw value."""

    class Meta:
        model = ApiToken
        exclude = ("raw",)

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"token {n}")
    raw = factory.Sequence(lambda n: f"fl_test{n:04d}_secret-value-{n}")
    prefix = factory.LazyAttribute(lambda t: t.raw.split("_")[1])
    token_hash = factory.LazyAttribute(lambda t: hash_token(t.raw))


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    workspace = factory.SubFactory(WorkspaceFactory)
    action = "token.created"
    target = "test"


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    workspace = factory.SubFactory(WorkspaceFactory)
