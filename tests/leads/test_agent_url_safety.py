"""Agent URLs stay out of the server's own network: refused when saved, checked again on every run
and redirect hop, answers capped in size and time, and failures that do not tell open ports from closed.

Nothing here connects anywhere but 127.0.0.1: addresses that must be refused are given by a fake
resolver, and a spy on ``socket.connect`` proves no connection was tried.
"""

import ipaddress
import socket
import threading
import time
from contextlib import contextmanager

import pytest

from leads import agent_network
from leads.agent_network import AddressNotAllowed, is_public, literal_address, parse_allow_list, vet_url
from leads.models import Execution, Lead, Recipe
from leads.services.execution_worker import run_execution
from leads.services.executions import start_execution
from leads.sources import SourceError, fetch_from_http_agent
from tests.leads.factories import AgentFactory, RecipeFactory
from tests.leads.stub_agent import Reply, stub_agent

REFUSED_ADDRESSES = [
    "127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "0.0.0.0", "::", "169.254.169.254", "fe80::1",
    "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "fc00::1", "fd12:3456::1", "100.64.0.1",
    "100.127.255.254", "224.0.0.251", "ff02::1", "240.0.0.1", "255.255.255.255", "192.0.2.10",
    "198.18.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1", "64:ff9b::a00:1",
    "fec0::1",
]  # fmt: skip
PUBLIC_ADDRESSES = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"]
REFUSED_URLS = [
    "http://127.0.0.1:8000/leads", "http://localhost/leads", "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0:5432/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.1.2.3/",
    "http://172.16.0.1/", "http://192.168.0.10/", "http://[fc00::1]/", "http://100.64.0.1/",
    "http://224.0.0.1/", "https://240.0.0.1/",
]  # fmt: skip
LIMITS = {"timeout": 2.0, "max_leads": 100, "max_bytes": 100_000}
UNREACHABLE = "The agent could not be reached."


def resolver_for(mapping):
    """A resolver that knows only ``mapping`` (name -> addresses); anything else does not resolve."""

    def resolve(host, port):
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "unknown name")
        return list(mapping[host])

    return resolve


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket connects to during the test; only loopback is ever really contacted."""
    seen = []
    real_connect = socket.socket.connect

    def spy(self, address):
        seen.append(address[0])
        assert ipaddress.ip_address(address[0]).is_loopback, f"tried to connect to {address[0]}"
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return seen


@pytest.fixture
def fake_dns(monkeypatch):
    """Public-looking names the tests resolve: one to a private address, one public, one mixed."""
    mapping = {
        "agent.example.com": ["93.184.216.34"],
        "intranet.example.com": ["10.0.0.5"],
        "metadata.example.com": ["169.254.169.254"],
        "mixed.example.com": ["93.184.216.34", "192.168.0.7"],
        "localhost": ["127.0.0.1", "::1"],
    }
    monkeypatch.setattr(agent_network, "system_resolve", resolver_for(mapping))
    return mapping


# --- the address policy (pure functions) -----------------------------------------------------


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_non_public_address_is_not_public(address):
    assert is_public(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_address_is_public(address):
    assert is_public(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "[::1]"])
def test_integer_octal_hex_and_short_forms_of_loopback_are_read_as_loopback(host):
    assert literal_address(host).is_loopback


@pytest.mark.parametrize("url", ["http://2130706433/leads", "http://0x7f.0.0.1/", "http://017700000001/"])
def test_numeric_loopback_url_is_refused_without_dns(url):
    def no_dns(host, port):
        raise AssertionError("a literal address needs no DNS")

    with pytest.raises(AddressNotAllowed):
        vet_url(url, parse_allow_list(""), no_dns, 1.0)


@pytest.mark.parametrize("url", ["http://localhost:8000/", "http://admin.localhost/", "http://LOCALHOST./"])
def test_localhost_names_are_loopback_whatever_dns_says(url):
    resolve = resolver_for({"localhost": ["93.184.216.34"], "admin.localhost": ["93.184.216.34"]})
    with pytest.raises(AddressNotAllowed):
        vet_url(url, parse_allow_list(""), resolve, 1.0)


def test_name_resolving_to_a_private_address_is_refused():
    resolve = resolver_for({"intranet.example.com": ["10.0.0.5"]})
    with pytest.raises(AddressNotAllowed):
        vet_url("https://intranet.example.com/x", parse_allow_list(""), resolve, 1.0)


def test_name_resolving_to_a_public_and_a_private_address_is_refused():
    resolve = resolver_for({"mixed.example.com": ["93.184.216.34", "192.168.0.7"]})
    with pytest.raises(AddressNotAllowed):
        vet_url("https://mixed.example.com/x", parse_allow_list(""), resolve, 1.0)


def test_public_name_is_connected_at_the_address_that_was_checked():
    resolve = resolver_for({"agent.example.com": ["93.184.216.34"]})
    target = vet_url("https://agent.example.com:8443/run?x=1", parse_allow_list(""), resolve, 1.0)
    assert (str(target.address), target.port, target.host, target.path) == (
        "93.184.216.34", 8443, "agent.example.com", "/run?x=1",
    )  # fmt: skip


def test_allowed_network_lets_an_on_premises_address_through():
    resolve = resolver_for({"agents.internal": ["10.20.3.4"]})
    allow = parse_allow_list("10.20.0.0/16")
    assert str(vet_url("http://agents.internal/x", allow, resolve, 1.0).address) == "10.20.3.4"
    with pytest.raises(AddressNotAllowed):
        vet_url("http://10.21.0.1/x", allow, resolve, 1.0)


def test_allowed_host_name_lets_its_addresses_through():
    resolve = resolver_for({"agents.internal": ["10.20.3.4"], "other.internal": ["10.20.3.5"]})
    allow = parse_allow_list("Agents.Internal")
    assert str(vet_url("http://agents.internal/x", allow, resolve, 1.0).address) == "10.20.3.4"
    with pytest.raises(AddressNotAllowed):
        vet_url("http://other.internal/x", allow, resolve, 1.0)


def test_a_malformed_allowed_network_is_a_configuration_error():
    with pytest.raises(ValueError, match="LEADS_AGENT_ALLOWED_NETWORKS"):
        parse_allow_list("10.0.0.0/33")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://agent.example.com/"]
)
def test_non_http_schemes_are_refused(url):
    with pytest.raises(AddressNotAllowed):
        vet_url(url, parse_allow_list("127.0.0.0/8"), resolver_for({}), 1.0)


# --- saving a recipe: API and page ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", REFUSED_URLS)
def test_api_refuses_to_save_an_agent_url_at_a_local_or_private_address(api_client, workspace, fake_dns, url):
    agent = AgentFactory(workspace=workspace, source="http")
    response = api_client.post(
        f"/api/v1/agents/{agent.id}/recipes",
        {"name": "x", "endpoint_url": url},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not allowed" in response.json()["errors"]["endpoint_url"][0]
    assert not Recipe.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["intranet.example.com", "metadata.example.com", "mixed.example.com"])
def test_api_refuses_a_name_that_resolves_to_a_private_address(
    api_client, workspace, fake_dns, connections, host
):
    agent = AgentFactory(workspace=workspace, source="http")
    response = api_client.post(
        f"/api/v1/agents/{agent.id}/recipes",
        {"name": "x", "endpoint_url": f"https://{host}/leads"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not allowed" in response.json()["errors"]["endpoint_url"][0]
    assert connections == []


@pytest.mark.django_db
def test_api_refuses_an_integer_form_of_loopback(api_client, workspace, fake_dns):
    agent = AgentFactory(workspace=workspace, source="http")
    response = api_client.post(
        f"/api/v1/agents/{agent.id}/recipes",
        {"name": "x", "endpoint_url": "http://2130706433/leads"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "endpoint_url" in response.json()["errors"]


@pytest.mark.django_db
def test_api_saves_an_agent_url_at_a_public_name_without_calling_it(
    api_client, workspace, fake_dns, connections
):
    agent = AgentFactory(workspace=workspace, source="http")
    response = api_client.post(
        f"/api/v1/agents/{agent.id}/recipes",
        {"name": "x", "endpoint_url": "https://agent.example.com/leads"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert connections == []


@pytest.mark.django_db
def test_api_saves_a_loopback_agent_url_when_the_operator_allows_it(api_client, workspace, settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    agent = AgentFactory(workspace=workspace, source="http")
    response = api_client.post(
        f"/api/v1/agents/{agent.id}/recipes",
        {"name": "x", "endpoint_url": "http://127.0.0.1:8999/leads"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:6379/", "https://intranet.example.com/"]
)
def test_recipe_page_shows_the_refusal_beside_the_url_field(owner_client, workspace, fake_dns, url):
    agent = AgentFactory(workspace=workspace, source="http")
    response = owner_client.post(
        f"/leads/agents/{agent.id}/", {"name": "x", "input_data": "{}", "endpoint_url": url}
    )
    assert response.status_code == 400
    form = response.context["recipe_form"]
    assert "not allowed" in form.errors["endpoint_url"][0]
    assert "This address is not allowed" in response.content.decode()
    assert not Recipe.objects.exists()


@pytest.mark.django_db
def test_recipe_edit_page_refuses_a_private_agent_url(owner_client, workspace, fake_dns):
    recipe = RecipeFactory(
        agent=AgentFactory(workspace=workspace, source="http"), endpoint_url="https://agent.example.com/leads"
    )
    response = owner_client.post(
        f"/leads/recipes/{recipe.id}/edit/",
        {"name": recipe.name, "input_data": "{}", "endpoint_url": "http://10.0.0.8/leads"},
    )
    assert response.status_code == 400
    assert "This address is not allowed" in response.content.decode()
    recipe.refresh_from_db()
    assert recipe.endpoint_url == "https://agent.example.com/leads"


# --- running a recipe -------------------------------------------------------------------------


def run_recipe_at(workspace, url):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="http"), endpoint_url=url)
    execution = start_execution(workspace, recipe, dispatch=False)
    run_execution(execution.id)
    execution.refresh_from_db()
    return execution


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["intranet.example.com", "metadata.example.com", "mixed.example.com"])
def test_run_refuses_a_name_that_now_resolves_to_a_private_address(workspace, fake_dns, connections, host):
    # Saved while it pointed elsewhere (DNS changes): the worker checks again before connecting.
    execution = run_recipe_at(workspace, f"https://{host}/leads")
    assert execution.status == "failed"
    assert execution.error.startswith("The agent could not be reached")
    assert "not allowed" in execution.error
    assert connections == []
    assert not Lead.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/", "http://[::1]:5432/", "http://2130706433/"])
def test_run_refuses_a_loopback_url_saved_before_the_rule(workspace, fake_dns, connections, url):
    execution = run_recipe_at(workspace, url)
    assert execution.status == "failed"
    assert "not allowed" in execution.error
    assert connections == []


@pytest.mark.django_db
@pytest.mark.parametrize("location", ["http://10.0.0.1/leads", "http://169.254.169.254/latest/meta-data/",
                                      "http://intranet.example.com/leads", "http://[::ffff:192.168.0.1]/"])  # fmt: skip
def test_redirect_to_a_private_address_is_refused(workspace, settings, fake_dns, connections, location):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    with stub_agent({"/leads": Reply(status=307, body=b"", headers={"Location": location})}) as agent:
        execution = run_recipe_at(workspace, agent.url())
    assert execution.status == "failed"
    assert "not allowed" in execution.error
    assert set(connections) == {"127.0.0.1"}
    assert not Lead.objects.exists()


def test_redirect_to_an_allowed_address_is_followed_with_the_same_post(settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    replies = {
        "/old": Reply(status=307, body=b"", headers={"Location": "/new"}),
        "/new": Reply.leads([{"name": "A"}]),
    }
    with stub_agent(replies) as agent:
        result = fetch_from_http_agent(agent.url("/old"), {"q": "x"}, **LIMITS)
    assert [lead["name"] for lead in result.leads] == ["A"]
    assert agent.requests == [{"q": "x"}, {"q": "x"}]


def test_redirects_are_capped(settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    with stub_agent({"/loop": Reply(status=307, body=b"", headers={"Location": "/loop"})}) as agent:
        with pytest.raises(SourceError) as raised:
            fetch_from_http_agent(agent.url("/loop"), {}, **LIMITS)
    assert str(raised.value) == UNREACHABLE
    assert len(agent.requests) == agent_network.MAX_REDIRECTS + 1


@pytest.mark.django_db
def test_an_answer_over_the_size_limit_fails_and_stores_nothing(workspace, settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    settings.LEADS_AGENT_MAX_BYTES = 10_000
    leads = [{"name": f"lead {i}", "title": "CEO"} for i in range(1000)]
    with stub_agent({"/leads": Reply.leads(leads)}) as agent:
        execution = run_recipe_at(workspace, agent.url())
    assert execution.status == "failed"
    assert "larger than 10000 bytes" in execution.error
    assert "nothing was processed" in execution.error
    assert not Lead.objects.exists()


@contextmanager
def raw_server(handle):
    """A TCP server on 127.0.0.1 whose connections ``handle(conn)`` serves, one thread each."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=handle, args=(conn, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def trickle(conn, stop):
    """Valid headers, then a body one byte every 50 ms: each read is quick, the whole never ends."""
    try:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
        while not stop.is_set():
            conn.sendall(b" ")
            time.sleep(0.05)
    except OSError:
        pass
    finally:
        conn.close()


def test_a_slow_agent_hits_the_total_deadline(settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    with raw_server(trickle) as port:
        started = time.monotonic()
        with pytest.raises(SourceError, match="within 0.5 s") as raised:
            fetch_from_http_agent(f"http://127.0.0.1:{port}/leads", {}, **{**LIMITS, "timeout": 0.5})
        took = time.monotonic() - started
    assert took < 1.5
    assert str(raised.value).startswith("The agent could not be reached")


def endless_body(conn, stop):
    """An answer without Content-Length that keeps streaming: only counting while reading stops it."""
    try:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[")
        while not stop.is_set():
            conn.sendall(b'{"name": "x"},' * 1000)
    except OSError:
        pass
    finally:
        conn.close()


def test_a_streamed_answer_without_length_is_cut_at_the_size_limit(settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    with raw_server(endless_body) as port:
        with pytest.raises(SourceError, match="larger than 100000 bytes"):
            fetch_from_http_agent(f"http://127.0.0.1:{port}/leads", {}, **{**LIMITS, "timeout": 5.0})


def test_slow_name_resolution_counts_against_the_deadline(connections):
    def slow_resolver(host, port):
        time.sleep(2)
        return ["93.184.216.34"]

    started = time.monotonic()
    with pytest.raises(SourceError, match="timeout"):
        fetch_from_http_agent(
            "https://agent.example.com/leads", {}, **{**LIMITS, "timeout": 0.3},
            allow=parse_allow_list(""), resolver=slow_resolver,
        )  # fmt: skip
    assert time.monotonic() - started < 1.0
    assert connections == []


def not_http(conn, stop):
    """An open port with something other than a web server behind it (as a database would be)."""
    try:
        conn.sendall(b"-ERR unknown command\r\n")
        conn.recv(65536)
    except OSError:
        pass
    finally:
        conn.close()


def closed_port():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_open_and_closed_ports_give_the_same_error_text(settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    errors = []
    with raw_server(not_http) as open_port:
        for port in (open_port, closed_port()):
            with pytest.raises(SourceError) as raised:
                fetch_from_http_agent(f"http://127.0.0.1:{port}/leads", {}, **LIMITS)
            errors.append(str(raised.value))
    assert errors == [UNREACHABLE, UNREACHABLE]


@pytest.mark.django_db
def test_failed_run_page_shows_only_that_the_agent_could_not_be_reached(owner_client, workspace, settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]
    port = closed_port()
    execution = run_recipe_at(workspace, f"http://127.0.0.1:{port}/leads")
    page = owner_client.get(f"/leads/executions/{execution.id}/").content.decode()
    assert UNREACHABLE in page
    assert "refused" not in page.lower()
    assert "Errno" not in page
    assert Execution.objects.get().error == UNREACHABLE
