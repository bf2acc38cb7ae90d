"""Refuses page query strings holding a NUL character before a view passes them to the database."""

from django.shortcuts import render

from core.jsonlimits import NUL_MESSAGE


class RefuseNulInQueryMiddleware:
    """PostgreSQL refuses text with NUL (0x00): a filter such as /feedback/?tag=%00 reached it and
    answered 500. Pages get a 400 naming the parameter; the API checks its query strings itself
    (config/api.py LimitedParser: 422 in the API's error format)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            for key, values in request.GET.lists():
                if any("\x00" in value for value in [key, *values]):
                    name = key.replace("\x00", "")
                    message = f"The parameter '{name}' is not valid: {NUL_MESSAGE}"
                    return render(request, "errors/400.html", {"message": message}, status=400)
        return self.get_response(request)
