"""Bad input gets a clear 4xx and leaves nothing half-written: oversized and deeply nested JSON,
wrong content types, broken encodings, uploads too large or of the wrong type."""

import json
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.reliability.test_api_fuzzing import OPERATIONS
from tests.reliability.world import isolated
from workspaces.models import WorkspaceScopedModel

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _write_operations():
    return {label: op for label, op in OPERATIONS.items() if op.method.upper() in WRITE_METHODS}


WRITES = _write_operations()
# Operations that read a body (the others rightly ignore whatever is sent).
BODY_WRITES = [label for label, op in WRITES.items() if op.definition.raw.get("requestBody")]


def _path(operation, ids):
    path = operation.path
    for parameter in operation.path_parameters:
        path = path.replace("{" + parameter.name + "}", str(ids.get(parameter.name, "x")))
    return "/api/v1" + path if not path.startswith("/api/") else path


def _row_counts(workspace):
    counts = {}
    for model in apps.get_models():
        if issubclass(model, WorkspaceScopedModel):
            counts[model._meta.label] = model.objects.filter(workspace=workspace).count()
    return counts


def _send_raw(world, label, body, content_type):
    """(status, JSON detail or None, rows added per model) for one write with a raw body."""
    operation = WRITES[label]
    client = world.api_client(world.token_a)
    url = _path(operation, world.ids_a)
    result = {}

    def call():
        before = _row_counts(world.a)
        response = client.generic(operation.method.upper(), url, data=body, content_type=content_type)
        result["added"] = {
            name: count - before[name]
            for name, count in _row_counts(world.a).items()
            if count != before[name]
        }
        return response

    response = isolated(call)
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, AttributeError):
        detail = None
    return response.status_code, detail, result["added"]


@pytest.mark.parametrize("label", list(WRITES))
def test_oversized_json_is_refused_with_413(label, small, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    status, detail, added = _send_raw(small, label, body, "application/json")
    assert status == 413 and "too large" in (detail or ""), (status, detail)
    assert not added


@pytest.mark.parametrize("label", BODY_WRITES)
def test_deeply_nested_json_is_a_clear_4xx(label, small):
    depth = 50_000  # 100 kB: under the size limit, far past any parser's recursion limit
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        status, detail, added = _send_raw(small, label, body, "application/json")
        assert 400 <= status < 500 and detail, (status, detail)
        assert not added


@pytest.mark.parametrize("label", BODY_WRITES)
@pytest.mark.parametrize(
    "body,content_type",
    [
        ("just some text", "text/plain"),
        ("a=1&b=2", "application/x-www-form-urlencoded"),
        (b'{"text": "\xff\xfe broken"}', "application/json"),
        ("{not json", "application/json"),
        ("<xml/>", "application/xml"),
    ],
    ids=["text", "form", "bad-utf8", "broken-json", "xml"],
)
def test_wrong_content_type_or_encoding_is_a_clear_4xx(label, body, content_type, small):
    status, detail, added = _send_raw(small, label, body, content_type)
    assert 400 <= status < 500 and detail, (status, detail)
    assert not added


def test_oversized_page_post_is_refused_with_a_413_page(small, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client = small.client(small.owner_a)
    body = urlencode({"prompt": "x" * (70 * 1024), "output": "y"})  # what a browser form sends
    response = isolated(
        lambda: client.post("/feedback/entries/new/", body, content_type="application/x-www-form-urlencoded")
    )
    assert response.status_code == 413
    assert b"too large" in response.content


# --- uploads --------------------------------------------------------------------------------

# Every page that takes a file (route, form field, extra form data). Found by grepping the loops
# for FileField; a new upload page belongs here.
UPLOAD_PAGES = [
    ("/content/upload/", "file", {}),
    ("/feedback/import/", "file", {}),
    ("/leads/import/", "file", {}),
    ("/leads/recipes/{recipe_id}/run/", "file", {}),
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def _job_models():
    """Import/run jobs may record a refused file on their own row ("failed, because ...")."""
    return {
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, WorkspaceScopedModel)
        and {"status", "errors"} & {field.name for field in model._meta.get_fields()}
    }


def _upload(world, route, field, extra, name, content, content_type):
    client = world.client(world.owner_a)
    url = route.format(**{k: v for k, v in world.ids_a.items()})
    result = {}

    def call():
        before = _row_counts(world.a)
        response = client.post(url, {**extra, field: SimpleUploadedFile(name, content, content_type)})
        if response.status_code in (301, 302):
            page = client.get(response["Location"])
            result["page"] = (page.status_code, page.content.decode("utf-8", "replace"))
        else:
            result["page"] = (response.status_code, response.content.decode("utf-8", "replace"))
        result["added"] = {
            name: count - before[name]
            for name, count in _row_counts(world.a).items()
            if count != before[name]
        }
        return response

    response = isolated(call)
    return response.status_code, result["page"], result["added"]


@pytest.mark.parametrize("route,field,extra", UPLOAD_PAGES, ids=[r for r, _, _ in UPLOAD_PAGES])
def test_upload_over_the_size_limit_is_refused_with_413(route, field, extra, small):
    with override_settings(MAX_UPLOAD_SIZE=4096):
        status, (page_status, page), added = _upload(
            small, route, field, extra, "big.csv", b"a,b\n" + b"1,2\n" * 2000, "text/csv"
        )
    assert status == 413 and "too large" in page and "the limit is 4,096 bytes" in page, (status, page[:300])
    assert not added


@pytest.mark.parametrize("route,field,extra", UPLOAD_PAGES, ids=[r for r, _, _ in UPLOAD_PAGES])
def test_upload_whose_form_fields_pass_their_limit_is_refused_with_413(route, field, extra, small, settings):
    """A multipart body under the upload limit whose fields other than the file pass
    DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses it while parsing (it used to be a 400 page)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    extra = {**extra, "note": "x" * (70 * 1024)}
    status, (page_status, page), added = _upload(
        small, route, field, extra, "small.csv", b"a,b\n1,2\n", "text/csv"
    )
    assert status == 413 and "too large" in page and "65,536 bytes" in page, (status, page[:300])
    assert not added


def _multipart_api_call(world, label, file_size):
    operation = WRITES[label]
    client = world.api_client(world.token_a)
    url = _path(operation, world.ids_a)
    data = {"note": "x", "file": SimpleUploadedFile("data.csv", b"a,b\n" + b"1" * file_size, "text/csv")}
    result = {}

    def call():
        before = _row_counts(world.a)
        body = encode_multipart(BOUNDARY, data)
        response = client.generic(operation.method.upper(), url, data=body, content_type=MULTIPART_CONTENT)
        result["added"] = {n: c - before[n] for n, c in _row_counts(world.a).items() if c != before[n]}
        return response

    response = isolated(call)
    return response, result["added"]


@pytest.mark.parametrize("label", list(WRITES))
def test_oversized_multipart_upload_to_the_api_is_refused_with_413(label, small, settings):
    """No API route takes a file, so a multipart body there has the limit of any body: over it,
    413 in the API's one error format ({"detail": ...}) with the limit in the message, nothing
    written."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response, added = _multipart_api_call(small, label, file_size=70 * 1024)
    assert not added
    assert response.status_code == 413, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"detail"} and "too large" in body["detail"] and "65,536 bytes" in body["detail"], (
        body
    )
