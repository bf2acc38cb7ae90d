"""Middleware: the current workspace, request size limits, CSP, and a clean 503 when the DB is down."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.utils import InterfaceError, OperationalError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from workspaces.models import Membership

logger = logging.getLogger(__name__)

SESSION_KEY = "workspace_id"


def _is_api(request):
    return request.path.startswith("/api/")


def landing_membership(memberships):
    """Where a new session starts: the workspace the user chose last, or else the one they have
    been in longest; never the first by name, which anyone who adds them could pick for them."""
    return min(
        memberships,
        key=lambda m: (
            m.last_chosen_at is None,
            -(m.last_chosen_at.timestamp() if m.last_chosen_at else 0),
            m.created_at,
        ),
    )


class CurrentWorkspaceMiddleware:
    """Sets request.workspace and request.membership from the session for logged-in users."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = None
        request.membership = None
        if not _is_api(request) and request.user.is_authenticated:
            memberships = list(Membership.objects.filter(user=request.user).select_related("workspace"))
            request.memberships = memberships
            chosen = request.session.get(SESSION_KEY)
            current = next((m for m in memberships if str(m.workspace_id) == chosen), None)
            if current is None and memberships:
                current = landing_membership(memberships)
            if current is not None:
                request.workspace = current.workspace
                request.membership = current
        return self.get_response(request)


def too_large(request, message):
    """413 in the one error format: {"detail": ...} for the API, the error page for pages."""
    if _is_api(request):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "errors/413.html", {"message": message}, status=413)


def form_fields_too_large_message():
    """Why Django refused a multipart body: its fields other than files passed their own limit."""
    return (
        f"The request is too large: form fields other than files may total at most "
        f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes (files up to {settings.MAX_UPLOAD_SIZE:,} bytes)."
    )


class RequestSizeLimitMiddleware:
    """Refuses bodies over the limit before anything reads them, and multipart bodies whose fields
    other than files pass DATA_UPLOAD_MAX_MEMORY_SIZE: 413 in the one error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        is_upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        # No API route takes a file: a multipart body there gets the limit of any other body.
        limit = (
            settings.MAX_UPLOAD_SIZE
            if is_upload and not _is_api(request)
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            message = f"The request is too large ({length:,} bytes; the limit is {limit:,} bytes)."
            return too_large(request, message)
        if is_upload and not _is_api(request):
            # Parsed here, before the CSRF check or a view reads it: Django's own limit on the
            # fields other than files would otherwise answer a bare 400, not a 413 with the limit.
            try:
                request.POST  # noqa: B018 - parses the body (and request.FILES)
            except RequestDataTooBig:
                return too_large(request, form_fields_too_large_message())
            except MultiPartParserError as error:
                return render(
                    request, "errors/400.html", {"message": f"The upload is malformed: {error}"}, status=400
                )
        return self.get_response(request)


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Pages run only scripts served from our own static files: no inline script, no CDN."""

    # The interactive API docs page is ninja's own template with an inline script.
    EXEMPT_PREFIXES = ("/api/v1/docs",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", CSP)
        return response


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 and the next request reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception)
        if _is_api(request):
            response = JsonResponse({"detail": "The database is unavailable; retry shortly."}, status=503)
        else:
            response = render(request, "errors/503.html", status=503)
        response["Retry-After"] = "5"
        return response
