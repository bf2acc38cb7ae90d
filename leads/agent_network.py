"""Which addresses the worker may call an agent at, and a JSON POST that keeps to them (the policy
is in docs/leads.md)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

MAX_REDIRECTS = 3
SAVE_TIME_RESOLVE_SECONDS = 2.0
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Embedded IPv4 addresses in these IPv6 forms reach the IPv4 address itself (RFC 6052 NAT64).
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
NOT_ALLOWED_MESSAGE = (
    "This address is not allowed: agents must be at a public address "
    "(an operator can allow on-premises hosts with LEADS_AGENT_ALLOWED_NETWORKS)."
)


class AgentRequestError(Exception):
    """The agent could not be asked; subclasses say which kind of failure, never port details."""


class AddressNotAllowed(AgentRequestError):
    pass


class AgentUnreachable(AgentRequestError):
    pass


class AgentTimeout(AgentRequestError):
    pass


class AgentTooLarge(AgentRequestError):
    pass


class AgentHTTPError(AgentRequestError):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status
        try:
            # The server's own reason phrase is not shown: it is text the agent's host controls.
            self.phrase = HTTPStatus(status).phrase
        except ValueError:
            self.phrase = ""


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()


def parse_allow_list(entries: Iterable[str] | str | None) -> AllowList:
    """Host names and CIDR networks (or single addresses) from the setting; raises ValueError on a
    malformed network so a typo in the configuration is loud instead of silently allowing nothing."""
    if isinstance(entries, str):
        entries = entries.split(",")
    hosts, networks = set(), []
    for entry in entries or ():
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            if "/" in entry or entry.replace(".", "").isdigit() or ":" in entry:
                raise ValueError(
                    f"LEADS_AGENT_ALLOWED_NETWORKS: {entry!r} is not a host or network."
                ) from None
            hosts.add(entry)
    return AllowList(frozenset(hosts), tuple(networks))


def configured_allow_list() -> AllowList:
    return parse_allow_list(settings.LEADS_AGENT_ALLOWED_NETWORKS)


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local, CGNAT, multicast, reserved,
    unspecified or documentation space, also when hidden in an IPv6 form (mapped, 6to4, NAT64)."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None and not is_public(embedded):
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return True  # the mapped IPv4 address was public
    flags = (
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_private,
    )
    if any(flags) or (ip.version == 6 and ip.is_site_local):
        return False
    return ip.is_global


def address_allowed(ip: IPAddress, allow: AllowList) -> bool:
    candidates = [ip]
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        candidates.append(embedded)
    for candidate in candidates:
        if any(candidate.version == net.version and candidate in net for net in allow.networks):
            return True
    return is_public(ip)


def literal_address(host: str) -> IPAddress | None:
    """The address a URL host names without DNS, in every form the C resolver accepts: dotted,
    IPv6 (with zone), and the integer / octal / hex / short IPv4 forms (``2130706433``, ``0x7f.1``)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host.lower()) and any(c.isdigit() for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _resolve_within(host: str, port: int, resolver: Resolver, seconds: float) -> list[IPAddress]:
    """Resolve in a helper thread so a slow DNS server counts against the deadline too."""
    outcome: dict = {}

    def work():
        try:
            outcome["addresses"] = resolver(host, port)
        except Exception as error:  # noqa: BLE001 - reported as unreachable below
            outcome["error"] = error

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(max(0.0, seconds))
    if thread.is_alive():
        raise AgentTimeout("name resolution")
    if "error" in outcome or not outcome.get("addresses"):
        raise AgentUnreachable("name resolution")
    addresses = []
    for text in outcome["addresses"]:
        try:
            addresses.append(ipaddress.ip_address(str(text).split("%", 1)[0]))
        except ValueError:
            raise AgentUnreachable("name resolution") from None
    return addresses


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AgentUnreachable("malformed URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise AddressNotAllowed("scheme")
    host = parts.hostname.rstrip(".")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def vet_url(url: str, allow: AllowList, resolver: Resolver, seconds: float) -> Target:
    """The address to connect to for ``url``; refuses it if any address the host resolves to is
    not allowed (a name pointing at both a public and a private address is not trusted)."""
    scheme, host, port, path = _split(url)
    literal = literal_address(host)
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        # RFC 6761: these names are loopback whatever a DNS server might answer for them.
        literal = ipaddress.IPv4Address("127.0.0.1")
    if literal is not None:
        addresses = [literal]
    else:
        addresses = _resolve_within(host, port, resolver, seconds)
    if host.lower() not in allow.hosts and not all(address_allowed(a, allow) for a in addresses):
        raise AddressNotAllowed("address")
    return Target(scheme, host, port, path, addresses[0])


def endpoint_url_problem(
    url: str, allow: AllowList | None = None, resolver: Resolver | None = None
) -> str | None:
    """Why a URL may not be saved as an agent URL, or None. A name that does not resolve now is
    accepted (the agent may not be deployed yet); the worker checks again on every run."""
    allow = configured_allow_list() if allow is None else allow
    try:
        vet_url(url, allow, resolver or system_resolve, SAVE_TIME_RESOLVE_SECONDS)
    except AddressNotAllowed:
        return NOT_ALLOWED_MESSAGE
    except AgentRequestError:
        return None
    return None


class _Watchdog:
    """Shuts the socket down at the deadline, which also ends a reply trickled a byte at a time
    (a per-read socket timeout alone would let that go on for ever)."""

    def __init__(self, sock: socket.socket, seconds: float):
        self.fired = False
        # A duplicate descriptor of the same connection: http.client closes its own socket object
        # once the response holds the stream, and a shutdown through the duplicate still ends it.
        self.sock = socket.fromfd(sock.fileno(), sock.family, sock.type)
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self):
        self.fired = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self):
        self.timer.cancel()
        self.sock.close()


def _connect(target: Target, seconds: float) -> socket.socket:
    family = socket.AF_INET6 if target.address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(seconds)
        sock.connect((str(target.address), target.port))
        if target.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=target.host)
    except BaseException:
        sock.close()
        raise
    return sock


def _host_header(target: Target) -> str:
    host = target.host
    if ":" in host:
        host = f"[{host}]"
    elif not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # international names go on the wire as A-labels
        except UnicodeError:
            raise AgentUnreachable("host name") from None
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _exchange(
    target: Target, method: str, body: bytes | None, headers: dict, deadline: float, max_bytes: int
):
    """One request/response on a fresh connection to the checked address: (status, location, body)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise AgentTimeout("deadline")
    watchdog = None
    connection = http.client.HTTPConnection(target.host, target.port, timeout=remaining)
    try:
        try:
            connection.sock = _connect(target, remaining)
            watchdog = _Watchdog(connection.sock, deadline - time.monotonic())
            connection.request(method, target.path, body=body, headers=headers)
            response = connection.getresponse()
            if response.status in REDIRECT_STATUSES and response.getheader("Location"):
                return response.status, response.getheader("Location"), b""
            if not 200 <= response.status < 300:
                raise AgentHTTPError(response.status)
            declared = response.getheader("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_bytes:
                raise AgentTooLarge(max_bytes)
            chunks, size = [], 0
            while True:
                if time.monotonic() >= deadline:
                    raise AgentTimeout("deadline")
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise AgentTooLarge(max_bytes)
                chunks.append(chunk)
            if watchdog.fired:
                raise AgentTimeout("deadline")  # the shutdown may look like a normal end of the body
            return response.status, None, b"".join(chunks)
        except AgentRequestError:
            raise
        except TimeoutError:
            raise AgentTimeout("deadline") from None
        except (OSError, http.client.HTTPException, ValueError):
            if watchdog is not None and watchdog.fired:
                raise AgentTimeout("deadline") from None
            # One reason for refused, reset, garbage and TLS failures alike: telling them apart
            # would tell an open port from a closed one.
            raise AgentUnreachable("connection") from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()


def post_json(
    url: str,
    body: bytes,
    *,
    timeout: float,
    max_bytes: int,
    allow: AllowList | None = None,
    resolver: Resolver | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> bytes:
    """POST ``body`` to ``url`` and return the answer's bytes, within ``timeout`` seconds in total
    (resolution, connection, redirects and reading) and at most ``max_bytes`` bytes."""
    allow = configured_allow_list() if allow is None else allow
    resolver = resolver or system_resolve
    deadline = time.monotonic() + timeout
    method, payload = "POST", body
    for _hop in range(max_redirects + 1):
        target = vet_url(url, allow, resolver, deadline - time.monotonic())
        headers = {"Host": _host_header(target), "Accept": "application/json", "User-Agent": "leads-worker"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        status, location, answer = _exchange(target, method, payload, headers, deadline, max_bytes)
        if location is None:
            return answer
        url = urljoin(url, location)
        if status in (301, 302, 303):
            method, payload = "GET", None  # as browsers do; 307 and 308 repeat the POST
    raise AgentUnreachable("too many redirects")
