"""Two workspaces with data for the reliability tests: A with every loop's demo data, B beside it."""

import importlib
import pkgutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, close_old_connections, transaction
from django.test import Client

import tests
from tests.workspaces.factories import ApiTokenFactory, MembershipFactory, WorkspaceFactory
from workspaces.models import Role, WorkspaceScopedModel

DEMO_APPS = ["leads", "content", "matching", "feedback", "analytics"]
# Distinctive names: if one of them shows up in another workspace's answer, data leaked.
NAME_A = "Reliability Alpha Corp"
NAME_B = "Reliability Beta Ltd"


def object_factories():
    """Every tests/<app>/isolation.py OBJECT_FACTORIES, merged (URL kwarg -> f(workspace) -> id)."""
    factories = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            isolation = importlib.import_module(f"tests.{module.name}.isolation")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{module.name}.isolation":
                raise
            continue
        factories.update(isolation.OBJECT_FACTORIES)
    return factories


def seed_demo_data(workspace, user):
    """What `seed_demo` puts in a workspace: each app's demo.seed(workspace, user)."""
    for app in DEMO_APPS:
        if find_spec(f"{app}.demo"):
            importlib.import_module(f"{app}.demo").seed(workspace, user)


def workspace_ids(workspace):
    """The ids (as strings) of every domain row that belongs to `workspace`."""
    ids = {str(workspace.id)}
    for model in apps.get_models():
        if issubclass(model, WorkspaceScopedModel):
            ids.update(
                str(pk) for pk in model.objects.filter(workspace=workspace).values_list("pk", flat=True)
            )
    return ids


@dataclass
class World:
    a: object
    b: object
    owner_a: object
    member_a: object
    viewer_a: object
    member_b: object
    token_a: str
    readonly_token_a: str
    token_b: str
    ids_a: dict = field(default_factory=dict)  # URL kwarg -> an object id of A
    ids_b: dict = field(default_factory=dict)
    all_ids_a: set = field(default_factory=set)

    def client(self, user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def api_client(self, raw_token):
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}") if raw_token else Client()


def _token(workspace, raw, can_write=True):
    ApiTokenFactory(workspace=workspace, raw=raw, can_write=can_write)
    return raw


def _user(username):
    # No password: the tests log in with force_login, and hashing one costs a second.
    user = get_user_model()(username=username, email=f"{username}@example.com")
    user.set_unusable_password()
    user.save()
    return user


def _make(factory, workspace, attempts=5):
    """One object from a test factory; a factory's sequence may collide with the demo data's
    numbering (a model version 1 exists already), so retry with the sequence's next value."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return factory(workspace)
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def build_world(with_demo_data=True):
    a = WorkspaceFactory(name=NAME_A, slug="reliability-alpha")
    b = WorkspaceFactory(name=NAME_B, slug="reliability-beta")
    owner_a = MembershipFactory(workspace=a, user=_user("rel-owner-a"), role=Role.OWNER).user
    member_a = MembershipFactory(workspace=a, user=_user("rel-member-a"), role=Role.MEMBER).user
    viewer_a = MembershipFactory(workspace=a, user=_user("rel-viewer-a"), role=Role.VIEWER).user
    member_b = MembershipFactory(workspace=b, user=_user("rel-member-b"), role=Role.OWNER).user
    if with_demo_data:
        seed_demo_data(a, owner_a)
    factories = object_factories()
    ids_a = {name: _make(make, a) for name, make in sorted(factories.items())}
    ids_b = {name: _make(make, b) for name, make in sorted(factories.items())}
    return World(
        a=a,
        b=b,
        owner_a=owner_a,
        member_a=member_a,
        viewer_a=viewer_a,
        member_b=member_b,
        token_a=_token(a, "fl_relA0001_alpha-read-write-token"),
        readonly_token_a=_token(a, "fl_relA0002_alpha-read-only-token", can_write=False),
        token_b=_token(b, "fl_relB0001_beta-read-write-token"),
        ids_a=ids_a,
        ids_b=ids_b,
        all_ids_a=workspace_ids(a),
    )


@contextmanager
def connection_kept_open():
    """Django closes the database connection when a WSGI request finishes; its test client turns
    that off around each request, and so must calls through other WSGI clients (schemathesis),
    or the test's transaction and the seeded world would go with the connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def isolated(call, keep=False):
    """Run one request in a savepoint, rolled back unless `keep`: each request sees the seeded
    world as built, and a database error in one request cannot poison the next (PostgreSQL aborts
    the whole transaction on an error, which the tests' transaction would turn into false 500s)."""
    sid = transaction.savepoint()
    try:
        with connection_kept_open():
            result = call()
    except BaseException:
        transaction.savepoint_rollback(sid)
        raise
    if keep:
        transaction.savepoint_commit(sid)
    else:
        transaction.savepoint_rollback(sid)
    return result
