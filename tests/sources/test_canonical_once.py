"""A URL is canonicalised once, where it enters the desk: the citation form, the article
form, a CSV cell. Functions further in (editing.source_for_url, Source.save, the library's
upkeep) take the CanonicalURL as it is, and a URL read back from the database too."""

import pytest
from django.urls import reverse

from claims.models import Citation, Source
from claims.sources import canonical
from claims.sources.canonical import CanonicalURL, canonical_url
from claims.sources.library_csv import import_sources, preview_file
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

MESSY = "HTTPS://News.Example:443/report?utm_source=feed&id=7#top"
CLEAN = "https://news.example/report?id=7"


@pytest.fixture
def canonicalised(monkeypatch) -> list[str]:
    """The URLs canonical_url() worked on (each one goes through w3lib exactly once)."""
    seen = []
    real = canonical.canonicalize_url

    def counting(url, *args, **kwargs):
        seen.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(canonical, "canonicalize_url", counting)
    return seen


def test_canonical_url_returns_a_canonical_url():
    assert canonical_url(MESSY) == CLEAN
    assert isinstance(canonical_url(MESSY), CanonicalURL)


def test_citing_a_url_canonicalises_it_once(reviewer_client, canonicalised):
    """The form's field canonicalises; the source lookup and Source.save trust its value."""
    claim = ClaimFactory()
    response = reviewer_client.post(
        reverse("claims:citation_create", args=[claim.article_id, claim.pk]),
        {"url": MESSY, "title": "Report", "stance": "supports"},
    )
    assert response.status_code == 302
    assert Citation.objects.get().source.url == CLEAN
    assert len(canonicalised) == 1


def test_citing_a_known_url_canonicalises_it_once(reviewer_client, canonicalised):
    existing = SourceFactory(url=CLEAN)
    canonicalised.clear()
    claim = ClaimFactory()
    reviewer_client.post(
        reverse("claims:citation_create", args=[claim.article_id, claim.pk]),
        {"url": MESSY, "stance": "refutes"},
    )
    assert Citation.objects.get().source == existing
    assert len(canonicalised) == 1


def test_importing_an_article_canonicalises_its_url_once(reviewer_client, canonicalised):
    response = reviewer_client.post(
        reverse("claims:article_create"),
        {"title": "Blinken in Seoul", "url": MESSY, "body": "Seoul said it was so."},
    )
    assert response.status_code == 302
    assert len(canonicalised) == 1


def test_a_csv_import_canonicalises_each_url_once(admin_user, canonicalised):
    """The preview and the import look every source up before the rows apply: one
    canonicalisation per distinct cell serves both, and saving trusts it."""
    SourceFactory(url="https://news.example/known")
    canonicalised.clear()
    data = (
        "url,title\n"
        f"{MESSY},Report\n"
        "https://news.example/known,Known\n"
        "https://news.example/new?utm_medium=x,New\n"
        f"{MESSY},Report again\n"
    )
    report = preview_file("sources", data + "javascript:alert(1),Bad\n")
    assert [row.action for row in report.rows] == [
        "created",
        "updated",
        "created",
        "updated",
        "refused",
    ]
    assert len(canonicalised) == 3  # the javascript: URL is refused before w3lib
    canonicalised.clear()
    import_sources(data, by=admin_user)
    assert Source.objects.filter(url=CLEAN).exists()
    assert len(canonicalised) == 3


def test_saving_a_stored_source_trusts_its_url(canonicalised):
    """A source read back from the database was canonical when stored."""
    source = SourceFactory(url=MESSY)
    canonicalised.clear()
    stored = Source.objects.get(pk=source.pk)
    assert isinstance(stored.url, CanonicalURL)
    stored.title = "Renamed"
    stored.save()
    assert canonicalised == []


def test_a_url_set_outside_the_boundary_is_canonicalised_on_save(canonicalised):
    """The admin or a shell sets a plain string: Source.save canonicalises it."""
    source = Source.objects.get(pk=SourceFactory().pk)
    canonicalised.clear()
    source.url = MESSY
    source.save()
    source.refresh_from_db()
    assert source.url == CLEAN
    assert len(canonicalised) == 1
