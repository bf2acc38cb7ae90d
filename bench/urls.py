"""The app's URL conf plus the benchmark's reference: a minimal JSON view on the same server."""

import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def minimal_json(request):
    """Parses the JSON body (if any) and answers a small JSON object: the floor of a request."""
    body = json.loads(request.body) if request.body else None
    return JsonResponse({"ok": True, "keys": len(body) if isinstance(body, dict) else 0})


urlpatterns = [path("bench/minimal", minimal_json), *app_urlpatterns]

handler400 = "workspaces.views.bad_request"
handler403 = "workspaces.views.permission_denied"
handler404 = "workspaces.views.page_not_found"
handler500 = "workspaces.views.server_error"
