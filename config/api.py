"""The JSON API at /api/v1/: one NinjaAPI, one router per app, one error format."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.utils import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser

from core.jsonlimits import MAX_JSON_ITEMS, NUL_MESSAGE, JsonLimitError, loads_limited
from workspaces.api_auth import TokenAuth

logger = logging.getLogger(__name__)


class ApiError(Schema):
    """The API's one error format: what went wrong, and for invalid input the field messages."""

    detail: str
    errors: dict[str, list[str]] = {}


ERROR_ANSWERS = {
    400: "The input is not valid for this workspace's data, or the body cannot be parsed.",
    401: "No valid API token (Authorization: Bearer <token>).",
    403: "The token may not do this (a read-only token writing, or a role check).",
    404: "No such object in this token's workspace.",
    409: "A concurrent change conflicted, or the job is already running; retry.",
    413: "The body is over the size limit (stated in the message).",
    415: "The body is not JSON in UTF-8 (send Content-Type: application/json).",
    422: "The input does not match the schema; `errors` names the fields.",
    503: "The database is unavailable; retry after the Retry-After seconds.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}


def error_statuses(method, operation):
    """The error statuses an operation can answer, from what it takes: every one can meet a
    database outage; a secured one a missing or insufficient token; one with input invalid input
    or ids of no object; a write a conflict or a body over the limit."""
    statuses = {503}
    if operation.get("security"):
        statuses |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses |= {400, 404, 422}
    if operation.get("requestBody"):
        statuses.add(415)
    if method in WRITE_METHODS:
        statuses |= {409, 413}
    return statuses


def _is_untyped(answer):
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return "$ref" not in schema and schema.get("type") == "object" and "properties" not in schema


class InputRefused(Exception):
    """Input refused before any work, with the API's error format: status, detail, field errors."""

    def __init__(self, status, detail, errors=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


class LimitedParser(Parser):
    """Bodies only as application/json in UTF-8; nesting, NaN/Infinity and NUL characters checked
    here, once for every route, before a schema or a service sees the data."""

    def parse_body(self, request):
        charset = (request.content_params or {}).get("charset", "utf-8").lower().replace("_", "-")
        if request.content_type != "application/json" or charset not in ("utf-8", "utf8"):
            raise InputRefused(415, "Send the body as JSON with Content-Type: application/json (UTF-8).")
        try:
            # A raw NUL byte is never valid JSON (strings escape it): UTF-16 or UTF-32 text.
            if b"\x00" in request.body:
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "NUL byte")
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputRefused(415, "The body is not UTF-8 text; send JSON encoded as UTF-8.") from None
        # A deployment may raise the batch limits of its settings above the generic array cap.
        items = max(
            MAX_JSON_ITEMS, settings.LEADS_MAX_GENERATED_PER_EXECUTION, settings.LEADS_SCORE_BATCH_MAX
        )
        try:
            return loads_limited(text, max_items=items)
        except JsonLimitError as exc:
            raise InputRefused(
                422, "The request is not valid.", {exc.path or "__all__": [exc.message]}
            ) from None

    def parse_querydict(self, data, list_fields, request):
        # Query strings and form fields: a NUL would reach the database (PostgreSQL refuses it).
        for key, values in data.lists():
            if any(isinstance(value, str) and "\x00" in value for value in [key, *values]):
                raise InputRefused(422, "The request is not valid.", {key.replace("\x00", ""): [NUL_MESSAGE]})
        return super().parse_querydict(data, list_fields, request)


class FeedbackLoopsAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema documents, on every operation, the errors the exception
    handlers below can answer (in one place, not on each route's `response=`)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ApiError"] = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, answer in responses.items():
                    if int(status) >= 400 and _is_untyped(answer):  # a route's `{409: dict}`
                        answer["content"] = error
                documented = {int(status) for status in responses}
                for status in sorted(error_statuses(method, operation) - documented):
                    responses[status] = {"description": ERROR_ANSWERS[status], "content": error}
                    if status == 503:
                        responses[status]["headers"] = {"Retry-After": RETRY_AFTER}
        return schema


api = FeedbackLoopsAPI(
    title="Feedback loops API",
    version="1.0.0",
    description=(
        "Act, capture what happened, learn, act better. Authenticate with a workspace API token: "
        "`Authorization: Bearer <token>` (create one under Workspace settings)."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    parser=LimitedParser(),
)


def _field_name(loc):
    # ninja locations look like ("body", "payload", "field"); the user knows only the field path.
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


def field_errors(django_error):
    """Field -> list of messages from a Django ValidationError."""
    if hasattr(django_error, "error_dict"):
        return {
            field: [str(message) for error in errors for message in error.messages]
            for field, errors in django_error.error_dict.items()
        }
    return {"__all__": [str(message) for message in django_error.messages]}


@api.exception_handler(SchemaValidationError)
def schema_error(request, exc):
    errors = {}
    for item in exc.errors:
        errors.setdefault(_field_name(item.get("loc", ())), []).append(item.get("msg", "Invalid value."))
    return api.create_response(request, {"detail": "The request is not valid.", "errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def domain_error(request, exc):
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": field_errors(exc)}, status=400
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or "You do not have permission to do this."}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(
        request,
        {"detail": "A valid API token is required (Authorization: Bearer <token>)."},
        status=401,
    )


@api.exception_handler(InputRefused)
def input_refused(request, exc):
    return api.create_response(request, {"detail": exc.detail, "errors": exc.errors}, status=exc.status)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, InputRefused):  # ninja wraps whatever the parser raises in a 400
        return input_refused(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(DataError)
def data_not_storable(request, exc):
    # The database refused a value (a NUL character, a number out of range): the input's fault.
    return api.create_response(
        request,
        {"detail": "A value cannot be stored (out of range, or contains a NUL character).", "errors": {}},
        status=400,
    )


@api.exception_handler(IntegrityError)
def conflict(request, exc):
    # Two requests raced to create the same row; the client can retry and will find it.
    logger.info("integrity conflict in API request: %s", exc)
    return api.create_response(request, {"detail": "Conflicting concurrent change; retry."}, status=409)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    logger.warning("database unavailable during API request: %s", exc)
    response = api.create_response(
        request, {"detail": "The database is unavailable; retry shortly."}, status=503
    )
    response["Retry-After"] = "5"
    return response


api.add_router("", "workspaces.api.router")
api.add_router("", "leads.api.router")
api.add_router("", "content.api.router")
api.add_router("", "matching.api.router")
api.add_router("", "feedback.api.router")
api.add_router("", "analytics.api.router")
