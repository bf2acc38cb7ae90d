"""Login attempt limits, one for the app's login and the admin's, counted in the shared cache."""

import hashlib
import unicodedata
from functools import wraps

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.shortcuts import render


def normalised_username(raw):
    """The name as Django would match it: NFKC (what the login form does, so 'ｄｅｍｏ' and the
    mathematical bold 'demo' log in as 'demo') and casefolded, so every spelling of one account
    shares one counter."""
    return unicodedata.normalize("NFKC", raw or "").casefold().strip()[:150]


def _address(request):
    return request.META.get("REMOTE_ADDR", "")


def _key(*parts):
    # Hashed: names are user input (any length, any character) and cache keys have limits.
    return "login-attempts:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def name_key(request, username):
    return _key("name", _address(request), normalised_username(username))


def address_key(request):
    return _key("address", _address(request))


def _count(key):
    """Counts one attempt and returns the count in the window; atomic across processes: add
    creates the counter with the window as its lifetime, incr never extends it."""
    cache = caches["shared"]
    if cache.add(key, 1, settings.LOGIN_RATE_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, settings.LOGIN_RATE_WINDOW)
        return 1


def _locked_out(request):
    retry_minutes = max(1, settings.LOGIN_RATE_WINDOW // 60)
    response = render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "retry_minutes": retry_minutes},
        status=429,
    )
    response["Retry-After"] = str(settings.LOGIN_RATE_WINDOW)
    return response


def limit_login_attempts(view):
    """Refuses a login POST after LOGIN_RATE_LIMIT attempts at one name from one address, or
    LOGIN_RATE_LIMIT_PER_IP attempts from one address at any names, in LOGIN_RATE_WINDOW.

    The attempt is counted before the password is checked, so processes racing each other
    cannot let more attempts through than the limit; a successful login gives its attempt back.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = request.POST.get("username", "")
        keys = name_key(request, username), address_key(request)
        over_name = _count(keys[0]) > settings.LOGIN_RATE_LIMIT
        over_address = _count(keys[1]) > settings.LOGIN_RATE_LIMIT_PER_IP
        if over_name or over_address:
            return _locked_out(request)
        response = view(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:
            cache = caches["shared"]
            cache.delete(keys[0])
            try:
                cache.decr(keys[1])
            except ValueError:  # expired meanwhile: nothing to give back
                pass
        return response

    return wrapped
