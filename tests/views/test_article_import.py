"""Importing an article from the web: a URL or a saved page, a preview to correct, then the
import, with the page kept as the desk's archived copy. Pages come from a local server."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import ArchivedPage, Article, Publisher
from claims.sources.archive import archived_content
from claims.sources.extraction import MAX_ELEMENTS
from tests.factories import PublisherDomainFactory, PublisherFactory, UserFactory
from tests.sources.test_extraction import FIXTURE_TRUTH, FIXTURES

pytestmark = pytest.mark.django_db

SEOUL = (FIXTURES / "seoul-visit.html").read_bytes()
BUDGET = (FIXTURES / "council-budget.html").read_bytes()  # windows-1252, declared in <meta>
SCRIPTED = (FIXTURES / "script-laden.html").read_bytes()
# Session, user, permissions (2), the archived page, the publisher link, the "My work" count.
PREVIEW_QUERIES = 5


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        route = self.routes.get(self.path)
        try:
            if route is None:
                self.send(b"<h1>Not here</h1>", status=404)
            else:
                route(self)
        except OSError:
            self.close_connection = True  # the desk hung up, as it should

    def send(self, body, *, status=200, content_type="text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Served-By", "test-server")
        self.end_headers()
        self.wfile.write(body)


def slow(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(40):
        handler.wfile.write(b"<p>")
        handler.wfile.flush()
        time.sleep(0.1)


Handler.routes = {
    "/seoul": lambda h: h.send(SEOUL),
    "/budget": lambda h: h.send(BUDGET, content_type="text/html"),
    "/mislabelled": lambda h: h.send(BUDGET),  # says UTF-8, is windows-1252
    "/scripted": lambda h: h.send(SCRIPTED),
    "/huge": lambda h: h.send(b"<p>" + b"x" * 30_000 + b"</p>"),
    "/slow": slow,
    "/pdf": lambda h: h.send(b"%PDF-1.4", content_type="application/pdf"),
    "/menu-only": lambda h: h.send(b"<nav><a href='/'>Home</a> <a href='/a'>About</a></nav>"),
    "/many": lambda h: h.send(b"<p>x</p>" * (MAX_ELEMENTS + 1)),
}


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(server, settings, tmp_path, monkeypatch):
    """news.example on the local server (loopback allowed for tests only); archives in tmp."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_TIMEOUT_SECONDS = 1.5
    settings.FETCH_MAX_BYTES = 20_000
    settings.MEDIA_ROOT = tmp_path
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return f"http://news.example:{server.server_port}"


def read_page(client, **data):
    return client.post(reverse("claims:article_fetch"), data)


def test_a_url_is_fetched_kept_and_shown_for_correction(reviewer_client, reviewer, site):
    """Reading a URL keeps the page as fetched and shows what was read, nothing imported yet."""
    response = read_page(reviewer_client, url=f"{site}/seoul")
    archived = ArchivedPage.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("claims:article_preview", args=[archived.pk])
    assert archived.created_by == reviewer
    assert archived.url == f"{site}/seoul"
    kept = archived_content(archived)
    assert kept.body == SEOUL
    assert archived.content_type == "text/html"
    assert Article.objects.count() == 0

    preview = reviewer_client.get(response.url)
    form = preview.context["form"]
    assert form["title"].value() == "Blinken in Seoul as allies warn over arms shipments"
    assert form["author"].value() == "Kim Tong-hyung, Matthew Lee"
    assert str(form["published_on"].value()) == "2023-11-09"
    assert form["body"].value() == FIXTURE_TRUTH["seoul-visit"]["articleBody"]
    assert "Subscribe for unlimited access" not in preview.content.decode()


def test_confirming_the_preview_imports_the_corrected_article(reviewer_client, site):
    """The reviewer's corrections are what is imported, with claims and the archived copy."""
    archived_url = read_page(reviewer_client, url=f"{site}/seoul").url
    body = FIXTURE_TRUTH["seoul-visit"]["articleBody"].rsplit("\n\n", 1)[0]
    response = reviewer_client.post(
        archived_url,
        {"title": "Blinken in Seoul", "url": f"{site}/seoul", "author": "", "body": body},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert article.title == "Blinken in Seoul"
    assert article.body == body
    assert article.author == ""
    assert article.archived_page == ArchivedPage.objects.get()
    assert article.claims.filter(quote__contains="one million artillery rounds").exists()


def test_the_publisher_comes_only_from_the_desk_host_links(reviewer_client, site):
    """The page's own site name never creates or picks a publisher; a domain link does."""
    first = reviewer_client.post(
        read_page(reviewer_client, url=f"{site}/seoul").url,
        {"title": "T", "url": f"{site}/seoul", "body": "Seoul said 5 shells fell."},
    )
    assert first.status_code == 302
    assert Article.objects.get().publisher is None
    assert not Publisher.objects.filter(name="The Example Times").exists()

    desk_publisher = PublisherFactory(name="Example News Desk")
    PublisherDomainFactory(publisher=desk_publisher, domain="news.example")
    preview = reviewer_client.get(read_page(reviewer_client, url=f"{site}/budget").url)
    assert preview.context["draft"].publisher == desk_publisher
    reviewer_client.post(
        preview.request["PATH_INFO"],
        {"title": "Budget", "url": f"{site}/budget", "body": "The council spent 48 million."},
    )
    assert Article.objects.get(title="Budget").publisher == desk_publisher


def test_a_saved_html_page_can_be_uploaded(reviewer_client):
    """An uploaded HTML file is kept as a resource record and read like a fetched page."""
    upload = SimpleUploadedFile("budget.html", BUDGET, "text/html")
    response = read_page(reviewer_client, page=upload)
    archived = ArchivedPage.objects.get()
    assert archived.url == ""
    assert archived_content(archived).body == BUDGET
    form = reviewer_client.get(response.url).context["form"]
    assert form["body"].value() == FIXTURE_TRUTH["council-budget"]["articleBody"]
    assert form["author"].value() == "Ana Muñoz"


def test_a_script_laden_page_is_contained(reviewer_client, site):
    """Scripts never reach the text, and the page's markup is never rendered in the preview."""
    preview = reviewer_client.get(read_page(reviewer_client, url=f"{site}/scripted").url)
    html = preview.content.decode()
    assert preview.context["form"]["body"].value() == FIXTURE_TRUTH["script-laden"]["articleBody"]
    assert "document.write" not in html
    assert "onerror" not in html
    assert "secret text" not in html


def test_a_mislabelled_charset_is_contained(reviewer_client, site):
    """A page that says UTF-8 but is windows-1252 still gives a preview; the bad bytes become
    replacement characters for the reviewer to correct, never an error."""
    preview = reviewer_client.get(read_page(reviewer_client, url=f"{site}/mislabelled").url)
    body = preview.context["form"]["body"].value()
    assert preview.status_code == 200
    assert "The town council approved a" in body
    assert "\ufffd" in body


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/huge", "larger than 0.02 MB"),
        ("/slow", "took longer than 1.5 seconds"),
        ("/pdf", "Only HTML pages are read"),
        ("/missing", "404"),
    ],
)
def test_pages_the_fetcher_refuses_are_explained(reviewer_client, site, path, message):
    """Huge, slow, non-HTML and missing pages are refused with a message; nothing is kept."""
    response = read_page(reviewer_client, url=f"{site}{path}")
    assert response.status_code == 200
    assert any(message in error for error in response.context["page_form"].errors["url"])
    assert ArchivedPage.objects.count() == 0


def test_private_addresses_are_refused_even_in_tests(reviewer_client, site):
    """The fetcher's address checks apply: a private network address is never fetched."""
    response = read_page(reviewer_client, url="http://10.0.0.1/")
    assert "private or local network address" in str(response.context["page_form"].errors)
    assert ArchivedPage.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "message"), [("/menu-only", "No article text"), ("/many", "too large to read")]
)
def test_a_page_without_a_readable_article_sends_back_with_why(
    reviewer_client, site, settings, path, message
):
    """A page with no article text, or too many elements to read, leads back to the form."""
    settings.FETCH_MAX_BYTES = 1_000_000
    preview_url = read_page(reviewer_client, url=f"{site}{path}").url
    response = reviewer_client.get(preview_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("claims:article_create")
    assert message in response.content.decode()
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "web address or a saved page"),
        ({"url": "https://news.example/a", "page": "FILE"}, "not both"),
        ({"url": "javascript:alert(1)"}, "Only http"),
        ({"page": "EMPTY"}, "empty"),
        ({"page": "BINARY"}, "not an HTML page"),
    ],
)
def test_bad_page_input_is_refused(reviewer_client, data, message):
    """Neither or both inputs, a bad URL, an empty or binary file: a message, nothing kept."""
    files = {
        "FILE": SimpleUploadedFile("a.html", SEOUL, "text/html"),
        "EMPTY": SimpleUploadedFile("a.html", b"   ", "text/html"),
        "BINARY": SimpleUploadedFile("a.pdf", b"%PDF\x00\x01\x02", "application/pdf"),
    }
    data = {key: files.get(value, value) for key, value in data.items()}
    response = read_page(reviewer_client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ArchivedPage.objects.count() == 0


def test_an_oversized_upload_is_refused(reviewer_client, settings):
    """A saved page over the fetch size limit is refused like a fetched one."""
    settings.FETCH_MAX_BYTES = 100
    response = read_page(reviewer_client, page=SimpleUploadedFile("a.html", SEOUL, "text/html"))
    assert "too large" in str(response.context["page_form"].errors["page"])
    assert ArchivedPage.objects.count() == 0


def test_preview_corrections_are_validated(reviewer_client, site):
    """An emptied text or title is refused on the preview, which keeps the reviewer's input."""
    preview_url = read_page(reviewer_client, url=f"{site}/seoul").url
    response = reviewer_client.post(preview_url, {"title": "", "body": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "body"}
    assert Article.objects.count() == 0


def test_only_the_reviewer_who_read_the_page_sees_its_preview(client, reviewer_client, site):
    """Another reviewer gets a 404, a reader without import rights a 403, visitors a login."""
    preview_url = read_page(reviewer_client, url=f"{site}/seoul").url
    client.force_login(UserFactory(username="other", roles=["Reviewer"]))
    assert client.get(preview_url).status_code == 404
    client.force_login(UserFactory(username="reader", roles=[]))
    assert client.get(preview_url).status_code == 403
    assert client.post(reverse("claims:article_fetch"), {"url": f"{site}/seoul"}).status_code == 403
    client.logout()
    assert client.get(preview_url).url.startswith(reverse("login"))


def test_the_preview_is_read_in_constant_queries(
    reviewer_client, site, django_assert_max_num_queries
):
    """The preview reads the archived page from storage, not from many queries."""
    preview_url = read_page(reviewer_client, url=f"{site}/seoul").url
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        assert reviewer_client.get(preview_url).status_code == 200


def test_the_import_page_offers_the_web_and_the_text(reviewer_client):
    """The import page has the web form (address or saved page) and the text form."""
    html = reviewer_client.get(reverse("claims:article_create")).content.decode()
    assert f'action="{reverse("claims:article_fetch")}"' in html
    assert 'name="url"' in html
    assert 'name="page"' in html
    assert 'name="body"' in html
