"""Malformed requests get a 400 that says why, never a 500, whatever URL they go to."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Article
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def desk(reviewer):
    """A reviewer's client that enforces CSRF, with the token a real page gave it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    client.get(reverse("claims:article_create"))
    client.token = client.cookies["csrftoken"].value
    return client


def post(client, url, body: bytes, content_type: str):
    return client.generic(
        "POST", url, body, content_type=content_type, HTTP_X_CSRFTOKEN=client.token
    )


@pytest.mark.parametrize(
    "url",
    ["/articles/new/", "/login/", "/admin/login/", "/fact-checks/", "/no-such-page/"],
)
def test_form_body_declared_utf16_is_a_400_on_any_url(desk, url):
    """Django refuses a urlencoded body that is not UTF-8; the refusal is a 400 page."""
    body = "title=Trucks&body=Forty trucks".encode("utf-16")
    response = post(desk, url, body, f"{FORM}; charset=utf-16")
    assert response.status_code == 400
    assert "must be UTF-8 encoded" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"no boundary at all"),
        ("multipart/form-data; boundary=", b"--\r\n"),
        (FORM, b"&".join(b"f%d=1" % n for n in range(1_100))),
    ],
    ids=["no-boundary", "empty-boundary", "too-many-fields"],
)
def test_unreadable_form_bodies_are_a_400(desk, content_type, body):
    response = post(desk, reverse("claims:article_create"), body, content_type)
    assert response.status_code == 400
    assert "too large or malformed, so nothing was changed" in response.content.decode()


def test_body_larger_than_the_limit_is_a_400(desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = b"title=x&body=" + b"y" * 2_000
    assert post(desk, reverse("claims:article_create"), body, FORM).status_code == 400


def test_a_form_body_that_is_not_utf8_is_read_as_latin1(desk):
    """Django reads a body that is not UTF-8 as Latin-1: the form answers as usual."""
    body = b"title=Caf\xe9&body=Forty trucks crossed the border at dawn."
    response = post(desk, reverse("claims:article_create"), body, FORM)
    assert response.status_code == 302
    assert Article.objects.get().title == "Café"


def test_nul_in_the_library_search_is_a_400(desk):
    """PostgreSQL cannot compare text with a NUL: the search is refused before the query."""
    claim = ClaimFactory()
    SourceFactory(title="Trucks at the border")
    url = reverse("claims:source_search", args=[claim.article_id, claim.pk])
    assert desk.get(url, {"source_q": "Truc\x00ks"}).status_code == 400
    assert b"Trucks at the border" in desk.get(url, {"source_q": "Trucks"}).content


@pytest.mark.parametrize("where", ["query", "query-key", "cookie", "path"])
def test_nul_outside_a_form_is_a_400(desk, where):
    url = reverse("claims:article_create")
    if where == "query":
        response = desk.get("/admin/claims/source/?q=a%00b")
    elif where == "query-key":
        response = desk.get("/fact-checks/?pa%00ge=1")
    elif where == "cookie":
        desk.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
        response = desk.get(url)
    else:
        response = desk.get("/articles/%00/")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_nul_in_a_form_field_is_the_fields_to_refuse_keeping_the_text(desk):
    """The form names the field and keeps what was typed; nothing is written."""
    body = b"title=Trucks&body=Forty%00trucks+crossed&csrfmiddlewaretoken=" + desk.token.encode()
    response = post(desk, reverse("claims:article_create"), body, FORM)
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Null characters are not allowed."]
    assert "trucks crossed" in response.content.decode()
    assert not Article.objects.exists()


def test_nul_in_an_uploaded_file_is_left_to_the_forms_check(desk):
    """A file's bytes are the form's to judge: it names the problem (422), not a 400."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("article.txt", b"Forty\x00trucks")
    response = desk.post(
        reverse("claims:article_create"),
        {"title": "T", "upload": upload, "csrfmiddlewaretoken": desk.token},
    )
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    assert not Article.objects.exists()
