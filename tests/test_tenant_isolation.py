"""Every page and API route that takes an object id answers 404 for another workspace's object.

Routes are found by walking the URL conf, so a new route cannot be forgotten: a route whose
kwarg has no entry in some tests/<app>/isolation.py OBJECT_FACTORIES fails this test.
"""

import importlib
import inspect
import pkgutil
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import UUIDConverter

import tests

SKIP_PREFIXES = ("admin/",)


def _object_factories():
    factories = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if module.ispkg:
            try:
                isolation = importlib.import_module(f"tests.{module.name}.isolation")
            except ModuleNotFoundError as error:
                if error.name != f"tests.{module.name}.isolation":
                    raise
                continue
            for name, factory in isolation.OBJECT_FACTORIES.items():
                # Two apps may use the same kwarg name (import_id): keep each app's own too.
                factories[f"{module.name}:{name}"] = factory
                factories.setdefault(name, factory)
    return factories


def _app_of(route, pattern):
    """The app a route belongs to: its URL namespace, or for the API the module of its handler."""
    path_view = _path_view(pattern)
    if path_view is not None:
        return path_view.operations[0].view_func.__module__.split(".")[0]
    return route.split("/", 1)[0]


def _factory(factories, route, pattern, name):
    return factories.get(f"{_app_of(route, pattern)}:{name}") or factories[name]


def _is_object_kwarg(name, converter):
    """Kwargs that name a workspace's object; others (an export's dataset name) are fixed choices."""
    return isinstance(converter, UUIDConverter) or name.endswith("_id") or name == "workspace"


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern) and any(
            _is_object_kwarg(name, converter) for name, converter in pattern.pattern.converters.items()
        ):
            if not route.startswith(SKIP_PREFIXES):
                yield route, pattern


ROUTES = sorted({route: pattern for route, pattern in _routes()}.items())


def _url(route, values):
    def replace(match):
        return str(values[match.group("name")])

    url = re.sub(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>", replace, route)
    return "/" + url.lstrip("^").rstrip("$")


def _path_view(pattern):
    """ninja's view is a closure over its PathView, which lists the operations and their methods."""
    view = pattern.callback
    if not hasattr(view, "__code__"):
        return None
    candidate = inspect.getclosurevars(view).nonlocals.get("self")
    return candidate if hasattr(candidate, "operations") else None


def _methods(pattern):
    """The HTTP methods a route answers: ninja knows its operations; for pages try GET then POST."""
    operations = getattr(_path_view(pattern), "operations", None)
    if operations:
        return sorted({method for op in operations for method in op.methods})
    return ["GET", "POST"]


def _request(client, method, url):
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, data="{}", content_type="application/json")


def test_every_id_route_has_an_object_factory():
    factories = _object_factories()
    missing = sorted(
        {
            (route, name)
            for route, pattern in ROUTES
            for name in pattern.pattern.converters
            if name not in factories
        }
    )
    assert not missing, (
        f"these URL kwargs have no entry in any tests/<app>/isolation.py OBJECT_FACTORIES: {missing}"
    )


@pytest.mark.parametrize("route", [route for route, _ in ROUTES])
def test_member_of_another_workspace_gets_404(
    route, workspace, owner, owner_client, outsider_client, api_client, outsider_api_client
):
    pattern = dict(ROUTES)[route]
    factories = _object_factories()
    own = {name: _factory(factories, route, pattern, name)(workspace) for name in pattern.pattern.converters}
    is_api = route.startswith("api/")
    foreign_client = outsider_api_client if is_api else outsider_client
    own_client = api_client if is_api else owner_client
    url = _url(route, own)

    for method in _methods(pattern):
        response = _request(foreign_client, method, url)
        if response.status_code == 405:
            continue
        if method == "GET":
            assert response.status_code == 404, (method, url, response.status_code)
        else:
            # A write whose body fails schema validation (422) is refused before any lookup.
            assert response.status_code in (404, 422), (method, url, response.status_code)
        # Control: the workspace's own member reaches the same object.
        own_response = _request(own_client, method, url)
        assert own_response.status_code != 404, (method, url, "own object not found")
        return
    pytest.fail(f"{url} answered 405 to every method tried")
