import gzip
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from claims.sources.extraction import decode_html, extracted_page
from claims.sources.fetching import FetchRefused, fetch_page, is_public_address

ARTICLE = (
    b"<!doctype html><html lang='en'><head><title>Blinken in Seoul | Example News</title>"
    b'<script type="application/ld+json">{"@context": "https://schema.org",'
    b' "@type": "NewsArticle", "headline": "Blinken in Seoul",'
    b' "datePublished": "2023-11-09T10:00:00+09:00", "publisher": {"name": "Example News"}}'
    b"</script></head><body><article><p>About one million rounds.</p></article></body></html>"
)
OPENGRAPH = (
    b"<html><head><meta property='og:title' content='Rounds for Russia'>"
    b"<meta property='og:site_name' content='Daily Example'></head><body>Text</body></html>"
)
HUGE = 20_000_000


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.requests.append((self.path, self.headers["Host"]))
        route = getattr(self, "route_" + self.path.strip("/").replace("-", "_"), None)
        try:
            if route is None:
                self.send_page(b"<h1>Not here</h1>", status=404)
            else:
                route()
        except OSError:
            # The client hung up, as it should on oversized or slow pages.
            self.close_connection = True

    def send_page(self, body, *, status=200, content_type="text/html; charset=utf-8", **headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_page(b"", status=302, Location=location)

    def route_article(self):
        self.send_page(ARTICLE)

    def route_opengraph(self):
        self.send_page(OPENGRAPH, content_type="application/xhtml+xml")

    def route_redirect(self):
        self.redirect("article")

    def route_redirect_absolute(self):
        self.redirect(f"http://127.0.0.1:{self.server.server_port}/opengraph")

    def route_redirect_private(self):
        self.redirect("http://10.0.0.1/")

    def route_redirect_metadata(self):
        self.redirect("http://169.254.169.254/latest/meta-data/")

    def route_loop(self):
        self.redirect("/loop")

    def route_report_pdf(self):
        self.send_page(b"%PDF-1.7", content_type="application/pdf")

    def route_gzip(self):
        self.send_page(gzip.compress(ARTICLE), Content_Encoding="gzip")

    def route_gzip_bomb(self):
        self.send_page(self.server.bomb, Content_Encoding="gzip")

    def route_echo(self):
        self.send_page(b"<p>hello</p>")

    def route_huge_sized(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        self.write_huge()

    def route_huge_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 65536
        for _ in range(HUGE // len(chunk) + 1):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def route_huge_unsized(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.write_huge()

    def write_huge(self):
        chunk = b"x" * 65536
        for _ in range(HUGE // len(chunk) + 1):
            self.wfile.write(chunk)

    def route_truncated(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"<p>only part")
        self.close_connection = True

    def route_slow(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"x")
            time.sleep(0.5)

    def route_slow_headers(self):
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n":
            self.wfile.write(bytes([byte]))
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    httpd.bomb = gzip.compress(b" " * HUGE, compresslevel=1)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def base(server):
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def fake_dns(monkeypatch):
    """Make chosen host names resolve to chosen addresses; count the lookups."""
    real = socket.getaddrinfo
    dns = SimpleNamespace(hosts={}, lookups=[])

    def getaddrinfo(host, port, *args, **kwargs):
        dns.lookups.append(host)
        if host not in dns.hosts:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in dns.hosts[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return dns


def fetch(url, **kwargs):
    return fetch_page(url, allow_loopback=True, **kwargs)


def test_fetches_an_article(base):
    """A page is fetched with its status, type, charset, body and fetch time."""
    page = fetch(f"{base}/article")
    assert page.url == f"{base}/article"
    assert (page.status, page.content_type, page.charset) == (200, "text/html", "utf-8")
    assert page.body == ARTICLE
    assert page.fetched_at.utcoffset().total_seconds() == 0
    meta = extracted_page(decode_html(page.body, page.charset), url=page.url)
    assert (meta.title, meta.site_name) == ("Blinken in Seoul", "Example News")


def test_fetches_an_xhtml_opengraph_page(base):
    """application/xhtml+xml is read like HTML."""
    page = fetch(f"{base}/opengraph")
    assert page.content_type == "application/xhtml+xml"
    assert extracted_page(page.body.decode(), url=page.url).title == "Rounds for Russia"


@pytest.mark.parametrize(
    ("path", "final"), [("/redirect", "/article"), ("/redirect-absolute", "/opengraph")]
)
def test_redirects_are_followed(base, path, final):
    """Relative and absolute redirects are followed; the page knows its final URL."""
    page = fetch(base + path)
    assert page.url == base + final
    assert page.status == 200


@pytest.mark.parametrize(
    ("path", "address"),
    [("/redirect-private", "10.0.0.1"), ("/redirect-metadata", "169.254.169.254")],
)
def test_redirect_to_a_private_address_is_refused(base, path, address):
    """Every redirect hop is checked: a public page cannot bounce the desk to the LAN."""
    with pytest.raises(
        FetchRefused, match=rf"^{re.escape(address)} is a private or local network address"
    ):
        fetch(base + path)


def test_redirect_loop_stops(base, server):
    """More redirects than allowed are refused after max_redirects + 1 requests."""
    server.requests.clear()
    with pytest.raises(FetchRefused, match="redirected more than 3 times"):
        fetch(f"{base}/loop", max_redirects=3)
    assert len(server.requests) == 4


@pytest.mark.parametrize("path", ["/huge-sized", "/huge-chunked", "/huge-unsized"])
def test_oversized_page_is_refused(base, path):
    """A 20 MB page is refused whether or not it declares its length."""
    with pytest.raises(FetchRefused, match=r"The page is larger than 5 MB\."):
        fetch(base + path)


def test_size_cap_is_inclusive(base):
    """A page of exactly max_bytes is accepted; one byte less of room refuses it."""
    assert fetch(f"{base}/article", max_bytes=len(ARTICLE)).body == ARTICLE
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(f"{base}/article", max_bytes=len(ARTICLE) - 1)


def test_gzip_page_is_decoded(base):
    """A gzip-encoded page comes back decompressed."""
    assert fetch(f"{base}/gzip").body == ARTICLE


def test_gzip_bomb_is_refused(base):
    """A small compressed body that inflates past the cap is refused."""
    with pytest.raises(FetchRefused, match="larger than 5 MB"):
        fetch(f"{base}/gzip-bomb")


def test_slow_page_hits_the_deadline(base):
    """A server that dribbles a byte every 0.5 s is cut off at the overall timeout."""
    started = time.monotonic()
    with pytest.raises(FetchRefused, match=r"took longer than 1\.5 seconds"):
        fetch(f"{base}/slow", timeout=1.5)
    assert time.monotonic() - started < 2.5


def test_slow_headers_hit_the_deadline(base):
    """Dribbled status and header lines are cut off at the timeout too."""
    started = time.monotonic()
    with pytest.raises(FetchRefused, match="took longer than 1 second to"):
        fetch(f"{base}/slow-headers", timeout=1.0)
    assert time.monotonic() - started < 2.0


def test_pdf_is_refused(base):
    """Only HTML is read."""
    with pytest.raises(FetchRefused, match="Only HTML pages are read; this is application/pdf"):
        fetch(f"{base}/report-pdf")


def test_error_status_is_refused(base):
    """A non-2xx answer is reported with its status."""
    with pytest.raises(FetchRefused, match="The site answered 404 Not Found"):
        fetch(f"{base}/missing")


def test_truncated_page_is_refused(base):
    """A body shorter than its Content-Length is reported as incomplete."""
    with pytest.raises(FetchRefused, match="incomplete page"):
        fetch(f"{base}/truncated")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_by_default(server, host):
    """Without allow_loopback the desk will not fetch from its own machine."""
    with pytest.raises(FetchRefused, match="private or local network address"):
        fetch_page(f"http://{host}:{server.server_port}/article")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only http"),
        ("ftp://example.com/file", "Only http"),
        ("http://user:pw@example.com/", "user name or password"),
        ("https:///no-host", "no host"),
        ("http://example.com:99999/", "not a valid URL"),
        ("http://exa mple.com/", "host name exa mple.com is not valid"),
        ("http://example.com/\r\nX-Injected: 1", "control characters"),
    ],
)
def test_unsafe_urls_are_refused(url, message):
    """Anything but a plain http(s) URL is refused before any connection."""
    with pytest.raises(FetchRefused, match=message):
        fetch_page(url)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fe80::1%eth0", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("0.0.0.0", False),  # noqa: S104 (an address to refuse, not to bind)
        ("::", False),
        ("255.255.255.255", False),
        ("240.0.0.1", False),
        ("100.64.0.1", False),
        ("198.18.0.1", False),
        ("fc00::1", False),
        ("fec0::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),
        ("2002:a00:1::", False),
        ("64:ff9b::7f00:1", False),
        ("::127.0.0.1", False),
        ("not an address", False),
        ("93.184.216.34", True),
        ("2606:4700::1", True),
        ("::ffff:93.184.216.34", True),
        ("64:ff9b::5db8:d822", True),
    ],
)
def test_is_public_address(address, public):
    """Only public unicast addresses, in any IPv4 or IPv6 form, may be contacted."""
    assert is_public_address(address) is public


def test_loopback_allowed_only_when_asked():
    """allow_loopback admits loopback (also IPv4-mapped) and nothing else that is local."""
    assert is_public_address("127.0.0.1", allow_loopback=True)
    assert is_public_address("::1", allow_loopback=True)
    assert is_public_address("::ffff:127.0.0.1", allow_loopback=True)
    assert not is_public_address("10.0.0.1", allow_loopback=True)


def test_any_private_address_refuses_the_host(fake_dns):
    """A name with one public and one private address is refused (no lucky pick)."""
    fake_dns.hosts["mixed.example"] = ["93.184.216.34", "10.0.0.1"]
    with pytest.raises(FetchRefused, match=r"mixed\.example points to 10\.0\.0\.1, a private"):
        fetch_page("http://mixed.example/")


def test_connects_to_the_checked_address_with_the_original_host(server, fake_dns):
    """The name is resolved once per hop and the request keeps the original Host header."""
    fake_dns.hosts["news.example"] = ["127.0.0.1"]
    server.requests.clear()
    url = f"http://news.example:{server.server_port}/echo"
    assert fetch(url).url == url
    assert server.requests == [("/echo", f"news.example:{server.server_port}")]
    assert fake_dns.lookups == ["news.example"]


def test_unknown_host_is_refused(monkeypatch):
    """A DNS failure is reported as a site that could not be found."""

    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(FetchRefused, match=r"The site nowhere\.example could not be found"):
        fetch_page("https://nowhere.example/")


def test_slow_dns_hits_the_deadline(monkeypatch):
    """A name lookup that hangs is abandoned at the timeout."""
    release = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: release.wait(5))
    started = time.monotonic()
    try:
        with pytest.raises(FetchRefused, match=r"Looking up slow\.example took too long"):
            fetch_page("http://slow.example/", timeout=0.3)
    finally:
        release.set()
    assert time.monotonic() - started < 1


def test_connection_refused():
    """A closed port is reported as a refused connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchRefused, match=r"Could not connect to 127\.0\.0\.1 .*refused"):
        fetch(f"http://127.0.0.1:{port}/")


def test_tls_error_is_refused(base):
    """Speaking TLS to a server that does not is a TLS error, in words."""
    with pytest.raises(
        FetchRefused, match=r"A secure connection to 127\.0\.0\.1 could not be made"
    ):
        fetch(base.replace("http://", "https://") + "/article")


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server for news.example with a throwaway certificate; records SNI names."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.requests, httpd.sni = [], []
    context.sni_callback = lambda sslobj, name, ctx: httpd.sni.append(name)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd, cert
    httpd.shutdown()
    httpd.server_close()


def test_https_uses_sni_and_verifies_the_host_name(tls_server, fake_dns):
    """HTTPS goes to the checked address with the host name as SNI and certificate name."""
    httpd, cert = tls_server
    fake_dns.hosts["news.example"] = ["127.0.0.1"]
    trusted = ssl.create_default_context(cafile=cert)
    url = f"https://news.example:{httpd.server_port}/article"
    assert fetch(url, ssl_context=trusted).body == ARTICLE
    assert httpd.sni == ["news.example"]
    assert httpd.requests == [("/article", f"news.example:{httpd.server_port}")]


def test_untrusted_certificate_is_refused(tls_server, fake_dns):
    """A certificate the client does not trust is a TLS error, in words."""
    httpd, _cert = tls_server
    fake_dns.hosts["news.example"] = ["127.0.0.1"]
    with pytest.raises(FetchRefused, match=r"secure connection to news\.example could not be made"):
        fetch(f"https://news.example:{httpd.server_port}/article")
