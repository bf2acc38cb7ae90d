"""How a view answers a successful POST whose next page is another page, for htmx and plain forms."""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def redirect_after_post(request, to, *args, **kwargs):
    """Send the browser to `to` (a URL, a URL name with its arguments, or a model).

    htmx follows a plain 302 inside the XHR and swaps the whole next page, header and all, into
    the form's target; HX-Redirect makes it load the page as a navigation instead, so the URL bar,
    history and flashed messages are those of the next page. Boosted requests already expect a
    page, so they keep the plain redirect.
    """
    url = resolve_url(to, *args, **kwargs)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
