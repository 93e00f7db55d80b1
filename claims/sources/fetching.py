"""Fetch one web page for the source library, refusing anything that is not a public page.

A reviewer pastes a URL; the desk fetches it to read its title, publisher and date. That
makes the server a client of any address a user types, so every hop is checked: only
http/https without credentials, every address the host name resolves to must be public
(no private, loopback, link-local, multicast or reserved ranges, nor IPv6 forms that
embed one), and the connection goes to the address that was checked, not to a second
lookup of the name, so a DNS answer cannot change between the check and the connect.
Redirects are followed by hand and checked the same way. One deadline covers the lookup,
the connect and every read, so a server that sends a byte at a time still runs out of
time; the body is capped before and after gzip decoding.

Every failure is a FetchRefused whose message can be shown to the person who asked.
"""

import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import quote, urljoin

from claims.sources.canonical import UnsafeURL, checked_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_SIZE = 64 * 1024
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
# Characters left as they are when a path or query is written into the request line.
PATH_SAFE = "/%:@!$&'()*+,;=-._~?"
HOST_NAME = re.compile(r"[A-Za-z0-9.-]+")


class FetchRefused(Exception):
    """A page the desk did not fetch; the message says why, for a person."""


@dataclass(frozen=True)
class FetchedPage:
    url: str
    status: int
    content_type: str
    charset: str
    body: bytes
    fetched_at: datetime
    # The final response's headers as sent, for the desk's archived copy.
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, without brackets
    port: int
    request_path: str
    host_header: str


def is_public_address(address: str, *, allow_loopback: bool = False) -> bool:
    """Whether the desk may connect to this IP address.

    Public unicast addresses only: private, shared (CGNAT), loopback, link-local,
    site-local, multicast, reserved and unspecified addresses are refused, and so are
    IPv6 addresses that carry a refused IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo).
    Loopback is allowed only with allow_loopback, for tests against a local server.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(str(ip.ipv4_mapped), allow_loopback=allow_loopback)
        if ip in NAT64_PREFIX:
            return is_public_address(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        embedded = [ip.sixtofour, *(ip.teredo or ())]
        if any(v4 is not None and not is_public_address(str(v4)) for v4 in embedded):
            return False
        if ip.is_site_local:
            return False
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not (
        ip.is_private or ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_unspecified
    )


def fetch_page(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    allow_loopback: bool = False,
    user_agent: str = "FactCheckDesk/1.0 (+metadata fetcher)",
    ssl_context: ssl.SSLContext | None = None,
) -> FetchedPage:
    """The HTML page at url, after redirects, or FetchRefused saying why not.

    timeout is the whole budget in seconds (name lookups, connects, reads, every hop).
    ssl_context replaces the default certificate checks (for a private CA or tests).
    """
    try:
        return _fetch(
            url, timeout, max_bytes, max_redirects, allow_loopback, user_agent, ssl_context
        )
    except FetchRefused:
        raise
    except Exception as error:
        # The promise to callers is one exception type; the cause stays chained for logs.
        raise FetchRefused(f"The page could not be fetched ({type(error).__name__}).") from error


def _fetch(
    url: str,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_loopback: bool,
    user_agent: str,
    ssl_context: ssl.SSLContext | None,
) -> FetchedPage:
    deadline = time.monotonic() + timeout
    context = ssl_context or ssl.create_default_context()
    current = url.strip()
    for _hop in range(max_redirects + 1):
        target = _target(current)
        try:
            response, sock = _request(target, deadline, context, user_agent, allow_loopback)
        except FetchRefused:
            raise
        except TimeoutError as error:
            raise FetchRefused(_too_slow(target.host, timeout)) from error
        except ssl.SSLError as error:
            raise FetchRefused(
                f"A secure connection to {target.host} could not be made ({_reason(error)})."
            ) from error
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise FetchRefused(
                f"{target.host} did not answer properly ({_reason(error)})."
            ) from error
        try:
            location = response.getheader("Location")
            if response.status in REDIRECT_STATUSES and location:
                current = urljoin(current, location.strip())
                continue
            body = _read_page(response, target, deadline, max_bytes, timeout)
            return FetchedPage(
                url=current,
                status=response.status,
                content_type=response.headers.get_content_type(),
                charset=response.headers.get_content_charset() or "",
                body=body,
                fetched_at=datetime.now(UTC),
                headers=tuple(response.getheaders()),
            )
        finally:
            sock.close()
    raise FetchRefused(f"The site redirected more than {max_redirects} times.")


def _target(url: str) -> _Target:
    try:
        checked = checked_url(url)
    except UnsafeURL as error:
        raise FetchRefused(str(error)) from error
    scheme, host, port, parts = checked.scheme, checked.host, checked.port, checked.parts
    if ":" not in host:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise FetchRefused(f"The host name {host} is not valid.") from error
        if not HOST_NAME.fullmatch(host):
            raise FetchRefused(f"The host name {host} is not valid.")
    port = DEFAULT_PORTS[scheme] if port is None else port
    bracketed = f"[{host}]" if ":" in host else host
    host_header = bracketed if port == DEFAULT_PORTS[scheme] else f"{bracketed}:{port}"
    path = quote(parts.path or "/", safe=PATH_SAFE)
    if parts.query:
        path = f"{path}?{quote(parts.query, safe=PATH_SAFE)}"
    return _Target(scheme, host, port, path, host_header)


def _request(
    target: _Target,
    deadline: float,
    context: ssl.SSLContext,
    user_agent: str,
    allow_loopback: bool,
) -> tuple[http.client.HTTPResponse, socket.socket]:
    """Send the GET to a checked address and read the status line and headers."""
    addresses = _checked_addresses(target, deadline, allow_loopback)
    sock = _connect(target, addresses, deadline)
    try:
        if target.scheme == "https":
            sock.settimeout(_remaining(deadline))
            sock = context.wrap_socket(sock, server_hostname=target.host)
        request = (
            f"GET {target.request_path} HTTP/1.1\r\n"
            f"Host: {target.host_header}\r\n"
            f"User-Agent: {_header_value(user_agent)}\r\n"
            "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.1\r\n"
            "Accept-Encoding: gzip\r\n"
            "Connection: close\r\n\r\n"
        )
        sock.settimeout(_remaining(deadline))
        sock.sendall(request.encode("ascii"))
        response = http.client.HTTPResponse(_DeadlineSocket(sock, deadline), method="GET")
        response.begin()
    except BaseException:
        sock.close()
        raise
    return response, sock


def _checked_addresses(target: _Target, deadline: float, allow_loopback: bool) -> list[tuple]:
    """The (family, sockaddr) pairs for the host, refusing if any of them is not public."""
    infos = _resolve(target.host, target.port, deadline)
    addresses = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        if not is_public_address(sockaddr[0], allow_loopback=allow_loopback):
            where = (
                f"{target.host} is"
                if _is_ip_literal(target.host)
                else f"{target.host} points to {sockaddr[0]},"
            )
            raise FetchRefused(
                f"{where} a private or local network address; only public web pages are fetched."
            )
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    if not addresses:
        raise FetchRefused(f"The site {target.host} could not be found.")
    return addresses


def _resolve(host: str, port: int, deadline: float) -> list[tuple]:
    """getaddrinfo within the deadline: the lookup runs in a thread it cannot block."""
    outcome: list = []

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            outcome.append(error)

    thread = threading.Thread(target=lookup, daemon=True, name=f"resolve {host}")
    thread.start()
    thread.join(_remaining(deadline))
    if not outcome:
        raise FetchRefused(f"Looking up {host} took too long.")
    if isinstance(outcome[0], Exception):
        raise FetchRefused(f"The site {host} could not be found.") from outcome[0]
    return outcome[0]


def _connect(target: _Target, addresses: list[tuple], deadline: float) -> socket.socket:
    last_error: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            if isinstance(error, TimeoutError):
                raise
            last_error = error
            continue
        return sock
    reason = "the connection was refused" if isinstance(last_error, ConnectionRefusedError) else ""
    raise FetchRefused(
        f"Could not connect to {target.host}"
        + (f" ({reason or _reason(last_error)})." if last_error else ".")
    )


def _read_page(
    response: http.client.HTTPResponse,
    target: _Target,
    deadline: float,
    max_bytes: int,
    timeout: float,
) -> bytes:
    """The capped, decoded body of a final answer that must be a 2xx HTML page."""
    if not 200 <= response.status < 300:
        raise FetchRefused(f"The site answered {response.status} {_phrase(response)}.")
    content_type = response.headers.get_content_type() if response.getheader("Content-Type") else ""
    if content_type not in HTML_TYPES:
        described = content_type or "a page without a declared type"
        raise FetchRefused(f"Only HTML pages are read; this is {described}.")
    too_large = FetchRefused(f"The page is larger than {max_bytes / 1_000_000:g} MB.")
    declared = response.getheader("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    encoding = response.getheader("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip"):
        raise FetchRefused(
            f"The site sent the page in an encoding that is not supported ({encoding})."
        )
    try:
        body = bytearray()
        while len(body) <= max_bytes:
            chunk = response.read(min(CHUNK_SIZE, max_bytes + 1 - len(body)))
            if not chunk:
                break
            body += chunk
        if len(body) > max_bytes:
            raise too_large
        if response.length:
            # http.client returns short reads silently when the server closes early.
            raise http.client.IncompleteRead(bytes(body), response.length)
        if encoding in ("gzip", "x-gzip"):
            return _gunzip(bytes(body), max_bytes, too_large)
    except TimeoutError as error:
        raise FetchRefused(_too_slow(target.host, timeout)) from error
    except ssl.SSLError as error:
        raise FetchRefused(
            f"The secure connection to {target.host} broke ({_reason(error)})."
        ) from error
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(f"{target.host} sent an incomplete page ({_reason(error)}).") from error
    return bytes(body)


def _gunzip(data: bytes, max_bytes: int, too_large: FetchRefused) -> bytes:
    """Decompress gzip without ever holding more than max_bytes + 1 of output."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = data
    try:
        while True:
            room = max_bytes + 1 - len(out)
            piece = decompressor.decompress(pending, room)
            out += piece
            if len(out) > max_bytes:
                raise too_large
            pending = decompressor.unconsumed_tail
            if decompressor.eof or (not pending and len(piece) < room):
                break
    except zlib.error as error:
        raise FetchRefused("The site sent a damaged compressed page.") from error
    return bytes(out)


class _DeadlineSocket:
    """What http.client.HTTPResponse needs of a socket: makefile, with a deadline on reads."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _DeadlineReader(io.RawIOBase):
    """Each receive may only wait for what is left of the deadline, however little it gets."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv_into(buffer)


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    return remaining


def _too_slow(host: str, timeout: float) -> str:
    unit = "second" if timeout == 1 else "seconds"
    return f"{host} took longer than {timeout:g} {unit} to send the page."


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _phrase(response: http.client.HTTPResponse) -> str:
    try:
        return HTTPStatus(response.status).phrase
    except ValueError:
        return (response.reason or "").strip()[:100]


def _reason(error: BaseException | None) -> str:
    """A short, readable cause for an exception from the network stack."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return error.verify_message or "the certificate could not be verified"
    if isinstance(error, ssl.SSLError):
        return (error.reason or str(error)).replace("_", " ").lower()
    if isinstance(error, http.client.IncompleteRead):
        return "the connection closed early"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    if isinstance(error, http.client.HTTPException) and not isinstance(error, OSError):
        return "not a valid HTTP answer"
    return str(error) or type(error).__name__


def _header_value(value: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", " ", value)
