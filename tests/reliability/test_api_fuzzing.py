"""Schemathesis against the app's own OpenAPI schema, in process: no 5xx, answers within the
schema, no call reaches another workspace's data (docs/reliability.md)."""

import re

import pytest
import schemathesis
from django.db.utils import OperationalError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.reliability.world import NAME_A, isolated
from workspaces.api_auth import TokenAuth

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
RESULTS = list(SCHEMA.get_all_operations())
OPERATIONS = {result.ok().label: result.ok() for result in RESULTS if hasattr(result, "ok")}
# Every response check schemathesis has for a single call: no 5xx, a documented status (errors
# included: config/api.py documents them on every operation), a body and headers matching what
# that status documents, invalid input refused with a 4xx and valid input not refused as invalid.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)

# Known loop bugs found by these tests, reported in /work/reliability_findings.md; the xfail is
# strict, so the test fails (and the entry must go) the moment the loop is fixed.
KNOWN_FINDINGS = {}


def _settings(examples):
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _param(label, *extra):
    marks = []
    key = " ".join([label, *map(str, extra)])
    if key in KNOWN_FINDINGS:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FINDINGS[key]))
    return pytest.param(label, *extra, marks=marks, id=key)


def _without_auth(case):
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}


def _with_ids(case, ids):
    for name in list(case.path_parameters or {}):
        if name in ids:
            case.path_parameters[name] = str(ids[name])


def _is_secured(operation):
    # ninja writes `security` on each operation that needs a token and none on public ones.
    return bool(operation.definition.raw.get("security", SCHEMA.raw_schema.get("security")))


def test_every_operation_in_the_schema_loads():
    broken = [str(result.err()) for result in RESULTS if not hasattr(result, "ok")]
    assert not broken
    assert len(OPERATIONS) >= 10


def test_every_operation_documents_the_errors_it_can_answer_in_the_one_format():
    """401/403 on secured operations, 400/404/422 where there is input, 409/413 on writes, 503 on
    all (with Retry-After): each with the error schema, so the checks above validate errors too."""
    missing = []
    for label, operation in OPERATIONS.items():
        responses = operation.definition.raw["responses"]
        expected = {"503"}
        if _is_secured(operation):
            expected |= {"401", "403"}
        if _takes_input(operation):
            expected |= {"400", "404", "422"}
        if operation.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            expected |= {"409", "413"}
        for status in sorted(expected):
            answer = responses.get(status) or responses.get(int(status))
            schema = (answer or {}).get("content", {}).get("application/json", {}).get("schema", {})
            if label == "GET /api/v1/health" and status == "503":
                continue  # the health check's own answer ({"status": "unavailable", ...})
            if not schema.get("$ref", "").endswith(("/ApiError", "/ErrorOut")):
                missing.append(f"{label} {status}")
            elif status == "503" and "Retry-After" not in answer.get("headers", {}):
                missing.append(f"{label} 503 Retry-After")
    assert not missing


@pytest.mark.parametrize("label", ["GET /api/v1/workspace", "PUT /api/v1/feedback/{lead_id}"])
def test_database_outage_answer_matches_its_documentation(label, world, monkeypatch):
    """A 503 from the database going away (raised where every call meets the database first, the
    token check) passes the same conformance checks as any other answer."""

    def down(self, request, token):
        raise OperationalError("connection refused")

    monkeypatch.setattr(TokenAuth, "authenticate", down)
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {world.token_a}"}

    @_settings(3)
    @given(case=operation.as_strategy())
    def run(case):
        _without_auth(case)
        response = isolated(lambda: case.call(headers=headers))
        assert response.status_code == 503, (response.status_code, response.text[:300])
        assert response.headers.get("retry-after") in (["5"], "5"), response.headers
        conformance = [check for check in CHECKS if check is not not_a_server_error]  # a 503 is the point
        case.validate_response(response, checks=conformance, headers=headers)

    run()


def _takes_input(operation):
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody"))


# Negative cases only exist for operations that take some input.
FUZZ_RUNS = [_param(label, GenerationMode.POSITIVE) for label in OPERATIONS] + [
    _param(label, GenerationMode.NEGATIVE) for label, op in OPERATIONS.items() if _takes_input(op)
]


@pytest.mark.slow
@pytest.mark.parametrize("label,mode", FUZZ_RUNS)
def test_valid_token_gets_no_5xx_and_only_documented_answers(label, mode, world):
    """Positive cases (schema-valid input) and negative ones (invalid input) both: never a 5xx;
    every answer whose status the schema documents matches the documented body and content type."""
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {world.token_a}"}

    @_settings(12 if mode == GenerationMode.POSITIVE else 6)
    @given(case=operation.as_strategy(generation_mode=mode), real_ids=st.booleans())
    def run(case, real_ids):
        _without_auth(case)
        if real_ids:
            _with_ids(case, world.ids_a)
        response = isolated(lambda: case.call(headers=headers))
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("label", [_param(label) for label in OPERATIONS])
def test_no_token_gets_401_and_no_data(label, world):
    operation = OPERATIONS[label]
    secured = _is_secured(operation)

    @_settings(4)
    @given(case=operation.as_strategy(), real_ids=st.booleans())
    def run(case, real_ids):
        _without_auth(case)
        if real_ids:
            _with_ids(case, world.ids_a)
        response = isolated(lambda: case.call())
        body = response.content.decode("utf-8", "replace")
        if secured:
            assert response.status_code == 401, (case.as_curl_command(), response.status_code, body[:300])
        leaked = set(UUID.findall(body)) & world.all_ids_a
        assert not leaked and NAME_A not in body, (case.as_curl_command(), body[:300])

    run()


@pytest.mark.slow
@pytest.mark.parametrize("label", [_param(label) for label in OPERATIONS])
def test_other_workspace_token_gets_no_data_of_this_workspace(label, world):
    """B's token on A's object ids: 403/404 (or a 4xx for invalid input), never A's rows; on routes
    without ids B sees only B's own data."""
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {world.token_b}"}
    takes_ids = any(parameter.name in world.ids_a for parameter in operation.path_parameters)

    @_settings(4)
    @given(case=operation.as_strategy())
    def run(case):
        _without_auth(case)
        _with_ids(case, world.ids_a)
        response = isolated(lambda: case.call(headers=headers))
        body = response.content.decode("utf-8", "replace")
        if takes_ids:
            assert response.status_code in (400, 403, 404, 422), (
                case.as_curl_command(),
                response.status_code,
                body[:300],
            )
        leaked = set(UUID.findall(body)) & world.all_ids_a
        assert not leaked and NAME_A not in body, (case.as_curl_command(), leaked, body[:300])

    run()


def test_leak_detector_sees_this_workspace_ids_in_its_own_answers(world):
    """Control for the two tests above: A's own token does get A's ids back, so the detector works."""
    client = world.api_client(world.token_a)
    response = client.get(f"/api/v1/prompt-feedback/entries/{world.ids_a['entry_id']}")
    assert response.status_code == 200
    assert set(UUID.findall(response.content.decode())) & world.all_ids_a
    assert NAME_A in client.get("/api/v1/workspace").content.decode()
