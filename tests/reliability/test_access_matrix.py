"""Who may do what on every page and API route (member, viewer, other workspace, anonymous);
the expected matrix is in docs/reliability.md."""

import hashlib
import re
import uuid

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, find, settings

from tests.reliability.test_api_fuzzing import OPERATIONS
from tests.reliability.world import NAME_A, isolated, object_factories
from workspaces.models import ApiToken, AuditEvent, Membership, WorkspaceScopedModel

SKIP = ("admin/", "accounts/")  # Django's admin has its own staff checks; login/logout are public
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# The seed's preferences route names the workspace by slug (the token must belong to it); an
# export names its dataset.
NON_UUID_KWARGS = {"workspace", "dataset"}
NON_OBJECT_KWARGS = {"dataset"}
PLAIN_KWARGS = {"dataset": "leads"}  # values for kwargs that are not objects


def _walk(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(SKIP):
            yield route, pattern


def _first_match_per_route():
    routes = {}
    for route, pattern in _walk():
        routes.setdefault(route, pattern)  # Django answers a path with its first match
    return dict(sorted(routes.items()))


ALL_ROUTES = _first_match_per_route()
PAGE_ROUTES = [route for route in ALL_ROUTES if not route.startswith("api/")]
API_ROUTES = [route for route in ALL_ROUTES if route.startswith("api/v1/")]


def _url(route, values):
    def replace(match):
        return str(values[match.group("name")])

    return "/" + re.sub(r"<(?:[^>:]+:)?(?P<name>\w+)>", replace, route)


def _requires_write(view):
    while view is not None:
        if hasattr(view, "requires_write"):
            return view.requires_write
        view = getattr(view, "__wrapped__", None)
    return None  # not a workspace page (login, create workspace)


def _workspace_fingerprint(workspace):
    """A hash of every row of the workspace (domain rows, memberships, tokens, audit log)."""
    digest = hashlib.sha256()
    models = [m for m in apps.get_models() if issubclass(m, WorkspaceScopedModel)]
    for model in sorted(models, key=lambda m: m._meta.label):
        rows = model.objects.filter(workspace=workspace).order_by("pk").values()
        digest.update(repr([model._meta.label, list(rows)]).encode())
    for model in (Membership, ApiToken, AuditEvent):
        rows = model.objects.filter(workspace=workspace).order_by("pk").values()
        # A token's last use is bookkeeping of the read, not a change of the workspace's data.
        rows = [{k: v for k, v in row.items() if k != "last_used_at"} for row in rows]
        digest.update(repr([model._meta.label, rows]).encode())
    return digest.hexdigest()


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _observe(world, request, check_changes=True):
    """Run `request()` in a rolled-back savepoint: (response, body, whether A's rows changed).

    Every request starts from the same state (the previous one was rolled back), so the
    fingerprint before is computed once per world.
    """
    result = {}
    if check_changes and not hasattr(world, "fingerprint"):
        world.fingerprint = _workspace_fingerprint(world.a)

    def call():
        response = request()
        result["body"] = _body(response)
        result["changed"] = check_changes and _workspace_fingerprint(world.a) != world.fingerprint
        return response

    response = isolated(call)
    return response, result["body"], result["changed"]


def _send(world, client, method, url, check_changes=True, **kwargs):
    """A page request: (status, body, Location, whether A's rows changed)."""
    response, body, changed = _observe(
        world, lambda: getattr(client, method.lower())(url, **kwargs), check_changes
    )
    return response.status_code, body, response.get("Location", ""), changed


def _ids_for(route, world, ids):
    ids = {**PLAIN_KWARGS, **ids}
    names = list(ALL_ROUTES[route].pattern.converters)
    missing = [name for name in names if name not in ids]
    if missing:
        pytest.fail(f"{route}: no OBJECT_FACTORIES entry for {missing} (see tests/test_tenant_isolation.py)")
    return {name: ids[name] for name in names}


def _leaks_a(world, body):
    return NAME_A in body or bool(set(UUID.findall(body)) & world.all_ids_a)


def _answered(status):
    return status not in (401, 403, 404) and status < 500


def _is_login_redirect(status, location):
    return status == 302 and location.startswith("/accounts/login/")


# --- ids in URLs ----------------------------------------------------------------------------


def test_object_ids_in_urls_are_uuids(small):
    """No guessable sequences: every object id a URL takes is a UUID (route converter and value)."""
    factories = object_factories()
    wrong = []
    for route, pattern in ALL_ROUTES.items():
        for name, converter in pattern.pattern.converters.items():
            if name in NON_UUID_KWARGS:
                continue
            if type(converter).__name__ != "UUIDConverter" and not route.startswith("api/"):
                wrong.append((route, name, type(converter).__name__))
            value = factories[name](small.a) if name in factories else None
            try:
                uuid.UUID(str(value))
            except ValueError:
                wrong.append((route, name, repr(value)))
    assert not wrong


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_page_access_matrix(route, small):
    world = small
    pattern = ALL_ROUTES[route]
    write = _requires_write(pattern.callback)
    if write is None:
        pytest.skip(f"{route} is not a workspace page (no @workspace_view)")  # listed in the report
    url_a = _url(route, _ids_for(route, world, world.ids_a))
    has_ids = bool(set(pattern.pattern.converters) - NON_OBJECT_KWARGS)
    member, viewer, outsider, owner = (
        world.client(world.member_a),
        world.client(world.viewer_a),
        world.client(world.member_b),
        world.client(world.owner_a),
    )
    anonymous = world.client(None)
    cells = []

    status, body, _, _ = _send(world, member, "GET", url_a, check_changes=False)
    readable = status != 405
    if readable:
        cells.append(("member A GET", status, _answered(status)))
        status, _, _, _ = _send(world, viewer, "GET", url_a, check_changes=False)
        # A page that changes data refuses viewers even its form (GET).
        cells.append(("viewer A GET", status, status == 403 if write else _answered(status)))
        status, body, _, _ = _send(world, outsider, "GET", url_a)
        ok = status == 404 if has_ids else (_answered(status) and not _leaks_a(world, body))
        cells.append(("member B GET", status, ok))
        status, _, location, _ = _send(world, anonymous, "GET", url_a, check_changes=False)
        cells.append(("anonymous GET", status, _is_login_redirect(status, location)))

    if write or not readable:
        # Writes, and POST-only actions open to every member (switching workspace, worker check).
        status, _, _, _ = _send(world, owner, "POST", url_a, data={}, check_changes=False)
        cells.append(("owner A POST", status, _answered(status) or status == 404 and not has_ids))
        status, _, _, changed = _send(world, viewer, "POST", url_a, data={})
        ok = status == 403 and not changed if write else _answered(status) or status == 404 and not has_ids
        cells.append(("viewer A POST", status, ok))
        status, body, _, changed = _send(world, outsider, "POST", url_a, data={})
        ok = (status == 404 if has_ids else not _leaks_a(world, body)) and not changed and status < 500
        cells.append(("member B POST", status, ok))
        status, _, location, changed = _send(world, anonymous, "POST", url_a, data={})
        cells.append(("anonymous POST", status, _is_login_redirect(status, location) and not changed))

    wrong = [(cell, status) for cell, status, ok in cells if not ok]
    assert not wrong, f"{url_a}: unexpected answers {wrong}"


# --- API ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _used_workspace(small_world, django_db_blocker):
    """A workspace that has been used: reads that create default rows on first use (a settings
    row) have happened once, so the matrix can check that reads change nothing."""

    headers = {"Authorization": f"Bearer {small_world.token_a}"}
    with django_db_blocker.unblock():
        for operation in OPERATIONS.values():
            if operation.method.upper() != "GET":
                continue
            case = _minimal_case(operation, small_world.ids_a)
            try:
                isolated(lambda case=case: case.call(headers=headers), keep=True)
            except Exception:  # a failing read is the matrix's business, not the warm-up's
                pass


def _api_cells():
    return [pytest.param(label, id=label) for label in OPERATIONS]


API_CELLS = _api_cells()


def _minimal_case(operation, ids):
    """The smallest schema-valid request for the operation (schemathesis, deterministic), with
    the path pointing at A's objects."""
    case = find(
        operation.as_strategy(),
        lambda case: True,
        settings=settings(
            database=None,
            derandomize=True,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        ),
    )
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    for name in list(case.path_parameters or {}):
        if name in ids:
            case.path_parameters[name] = str(ids[name])
    return case


def _api_call(world, case, raw_token, check_changes=True):
    headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else None
    response, body, changed = _observe(world, lambda: _Answer(case.call(headers=headers)), check_changes)
    return response.status_code, body, changed


class _Answer:
    """A schemathesis response seen through the two attributes the matrix reads."""

    streaming = False

    def __init__(self, response):
        self.status_code = response.status_code
        self.content = response.content


@pytest.mark.parametrize("label", API_CELLS)
def test_api_access_matrix(label, small):
    world = small
    operation = OPERATIONS[label]
    method = operation.method.upper()
    # ninja writes `security` on each operation that needs a token and none on public ones.
    secured = bool(operation.definition.raw.get("security"))
    names = [parameter.name for parameter in operation.path_parameters]
    missing = [name for name in names if name not in world.ids_a]
    assert not missing, f"{label}: no OBJECT_FACTORIES entry for {missing}"
    has_ids = bool(names)
    case = _minimal_case(operation, world.ids_a)
    reads = method == "GET"
    cells = []

    status, _, _ = _api_call(world, case, world.token_a, check_changes=False)
    ok = status not in (401, 403) and status < 500 and (status == 200 if reads and has_ids else True)
    cells.append(("token A", status, ok))

    status, _, changed = _api_call(world, case, world.readonly_token_a)
    if reads:
        ok = status not in (401, 403) and status < 500 and not changed
    else:
        ok = (status == 403 or status < 500) and not changed
    cells.append(("read-only token A", status, ok))

    status, body, changed = _api_call(world, case, world.token_b)
    ok = status < 500 and not changed and not _leaks_a(world, body)
    if has_ids:
        ok = ok and status in (400, 403, 404, 422)
    cells.append(("token B", status, ok))

    status, body, changed = _api_call(world, case, None)
    ok = (status == 401 if secured else status < 500) and not changed and not _leaks_a(world, body)
    cells.append(("no token", status, ok))

    wrong = [(cell, status) for cell, status, ok in cells if not ok]
    assert not wrong, f"{label} ({case.as_curl_command()}): unexpected answers {wrong}"
