"""One login attempt limit for the app's login and the admin's, whatever the spelling of the name
and however many server processes answer."""

import http.client
import re
import subprocess
import sys
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.conftest import worker_environment
from tests.reliability.load_client import Gunicorn
from tests.workspaces.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(monkeypatch):
    # With Redis the counters outlive a test's transaction: each test gets its own key space.
    monkeypatch.setattr(caches["shared"], "key_prefix", f"test-{uuid.uuid4().hex}")


@pytest.fixture
def demo(db):
    return UserFactory(username="demo")


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _fail(client, path, username):
    return client.post(path, {"username": username, "password": "wrong"})


def test_full_width_name_logs_in_as_the_plain_name(client, demo):
    """Why the spellings must share a counter: Django logs 'ｄｅｍｏ' in as 'demo'."""
    response = client.post("/accounts/login/", {"username": "ｄｅｍｏ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo.pk)


@override_settings(LOGIN_RATE_LIMIT=3)
def test_look_alike_spellings_share_one_counter(client, demo):
    for spelling in ("ｄｅｍｏ", "𝐝𝐞𝐦𝐨", "𝘿𝙀𝙈𝙊"):
        assert _fail(client, "/accounts/login/", spelling).status_code == 200
    response = client.post("/accounts/login/", {"username": "demo", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_RATE_LIMIT=3)
def test_admin_login_is_refused_after_too_many_failures(client, admin_user):
    for _ in range(3):
        assert _fail(client, "/admin/login/", "root").status_code == 200
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


@override_settings(LOGIN_RATE_LIMIT=3)
def test_admin_login_and_app_login_share_one_counter(client, admin_user):
    for _ in range(3):
        _fail(client, "/accounts/login/", "root")
    response = client.post("/admin/login/", {"username": "ROOT", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_RATE_LIMIT=100, LOGIN_RATE_LIMIT_PER_IP=4)
def test_admin_login_counts_towards_the_per_address_limit(client, admin_user):
    for n in range(4):
        _fail(client, "/admin/login/", f"someone{n}")
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429


def test_admin_login_still_works_within_the_limit(client, admin_user):
    _fail(client, "/admin/login/", "root")
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(LOGIN_RATE_LIMIT=3)
def test_a_successful_login_clears_the_names_counter(client, demo):
    for _ in range(2):
        _fail(client, "/accounts/login/", "demo")
    assert client.post("/accounts/login/", {"username": "demo", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(2):
        _fail(client, "/accounts/login/", "demo")
    assert client.post("/accounts/login/", {"username": "demo", "password": PASSWORD}).status_code == 302


# --- two server processes -------------------------------------------------------------------


def _login_attempt(port, username, password):
    """GET the form for its CSRF token, POST the attempt; the POST's status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    page = response.read().decode()
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": password})
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie['csrftoken'].value}",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_server_processes_share_one_allowance(tmp_path):
    """Four failures spread over two gunicorn processes use up an allowance of four: with a
    counter in each process's memory, each would have seen two and let the fifth through."""
    username = f"two-servers-{uuid.uuid4().hex[:8]}"
    UserFactory(username=username)
    env = worker_environment()
    env.update(
        ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING", LOGIN_RATE_LIMIT="4", LOGIN_RATE_LIMIT_PER_IP="1000"
    )
    first = Gunicorn(env, tmp_path / "first.log", workers=1, threads=2)
    try:
        second = Gunicorn(env, tmp_path / "second.log", workers=1, threads=2)
        try:
            servers = [first.port, second.port, first.port, second.port]
            statuses = [_login_attempt(port, username, "wrong") for port in servers]
            assert statuses == [200, 200, 200, 200]
            assert _login_attempt(first.port, username, PASSWORD) == 429
            assert _login_attempt(second.port, username, PASSWORD) == 429
        finally:
            second.stop()
    finally:
        first.stop()


COUNT_ATTEMPTS = """
import sys
import django
django.setup()
from workspaces.login_limits import _count
key = sys.argv[1]
sys.stdin.readline()  # both processes start counting together
counts = [_count(key) for _ in range(200)]
print(max(counts))
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_attempts_counted_by_two_processes_at_once_are_all_counted():
    """cache.add + cache.incr in the shared cache: no increment is lost to a race."""

    key = f"race-{uuid.uuid4().hex}"
    env = worker_environment()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT_ATTEMPTS, key],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert max(int(out.strip()) for out, _ in outputs) == 400
