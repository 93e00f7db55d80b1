"""Who published a source is the desk's decision, never the page's: only a host an admin
linked to a publisher (a domain rule) files a source under it; what a page says about
itself is kept as a suggestion for an admin to confirm. Merged duplicates keep their URL."""

import pytest
from django.urls import reverse

from claims import editing
from claims.evidence import evidence_checklist, thin_evidence
from claims.models import Citation, Publisher, PublisherDomain, Reliability, Source
from claims.sources import library
from claims.sources.canonical import canonical_url
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    PublisherDomainFactory,
    PublisherFactory,
    SourceFactory,
)
from tests.webpages import allow_fetching_it, serving

pytestmark = pytest.mark.django_db

SPOOF = """<!doctype html><html lang="en"><head><title>Exclusive</title>
<meta property="og:site_name" content="Reuters"></head>
<body><article><p>North Korea sent two million shells, officials said.</p></article>
</body></html>"""


@pytest.fixture
def site(settings):
    """A site on 127.0.0.1 whose every page claims to be Reuters's."""
    allow_fetching_it(settings)
    with serving(lambda path: SPOOF) as address:
        yield address


@pytest.fixture
def reuters():
    publisher = PublisherFactory(name="Reuters", reliability=Reliability.RELIABLE)
    PublisherDomainFactory(publisher=publisher, domain="reuters.com")
    return publisher


def test_a_page_naming_a_desk_publisher_is_not_filed_under_it(site, reuters):
    """A page on an unknown host whose og:site_name says "Reuters" stays of an unknown
    publisher, and its host is linked to nothing; the name is kept as a suggestion."""
    source = SourceFactory(url=f"{site}/story", title="", publisher=None)
    library.refresh_source(source.pk)
    source.refresh_from_db()
    assert source.publisher is None
    assert source.site_name == "Reuters"
    assert list(PublisherDomain.objects.values_list("domain", flat=True)) == ["reuters.com"]
    assert Publisher.objects.count() == 1


def test_a_page_from_a_new_host_creates_no_publisher(site):
    """The first page fetched from a new host binds that host to nothing."""
    source = SourceFactory(url=f"{site}/story", title="", publisher=None)
    library.refresh_source(source.pk)
    assert not Publisher.objects.exists()
    assert not PublisherDomain.objects.exists()


def test_a_host_an_admin_linked_files_the_fetched_source(site):
    """A domain rule an admin set names the publisher when the page is fetched."""
    desk_publisher = PublisherFactory(name="Loopback Wire")
    PublisherDomainFactory(publisher=desk_publisher, domain="127.0.0.1")
    source = Source.objects.create(url=f"{site}/story")
    library.refresh_source(source.pk)
    source.refresh_from_db()
    assert source.publisher == desk_publisher


def test_spoofed_sources_do_not_pass_the_two_publishers_check(reuters):
    """A source of an unknown publisher counts for none, and the checklist says so."""
    claim = ClaimFactory()
    real = SourceFactory(url="https://www.reuters.com/world/a", publisher=reuters)
    spoof = SourceFactory(url="https://reuters-news.example/a", publisher=None, site_name="Reuters")
    CitationFactory(claim=claim, source=real, excerpt="a")
    CitationFactory(claim=claim, source=spoof, excerpt="b")
    citations = list(claim.citations.select_related("source__publisher"))
    two_publishers = evidence_checklist(citations, "")[0]
    assert not two_publishers.met
    detail = two_publishers.detail
    assert "2 source(s) from 1 publisher(s) and 1 from an unknown publisher" in detail
    assert "1 source(s) from an unknown publisher." in thin_evidence(citations)


def test_the_panel_shows_an_unknown_publisher_and_what_the_page_claims(reviewer_client, reuters):
    """The citation reads "Unknown publisher", with the page's own claim marked unconfirmed."""
    claim = ClaimFactory()
    spoof = SourceFactory(url="https://reuters-news.example/a", publisher=None, site_name="Reuters")
    CitationFactory(claim=claim, source=spoof)
    html = reviewer_client.get(claim.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Unknown publisher" in html
    assert "the page says “Reuters”; an admin has not confirmed it" in html
    assert "Generally reliable" not in html


def test_the_admin_confirms_a_suggested_publisher(client, admin_user):
    """The admin's action links the host to the publisher the page names (created unrated
    if new) and files that host's other unfiled sources too."""
    first = SourceFactory(url="https://www.daily.example/a", publisher=None, site_name="The Daily")
    second = SourceFactory(url="https://daily.example/b", publisher=None)
    elsewhere = SourceFactory(url="https://other.example/c", publisher=None)
    client.force_login(admin_user)
    page = client.get(reverse("admin:claims_source_change", args=[first.pk]))
    assert "The Daily" in page.content.decode()
    client.post(
        reverse("admin:claims_source_changelist"),
        {"action": "confirm_site_name", "_selected_action": [first.pk]},
    )
    daily = Publisher.objects.get(name="The Daily")
    assert daily.reliability == Reliability.UNRATED
    assert PublisherDomain.objects.get(domain="daily.example").publisher == daily
    for source in (first, second, elsewhere):
        source.refresh_from_db()
    assert first.publisher == second.publisher == daily
    assert elsewhere.publisher is None
    assert first.history.first().history_user == admin_user


def test_a_merged_duplicate_url_finds_the_kept_source(client, admin_user):
    """Merging keeps the dropped duplicate's URL as an alias: citing it finds the merged
    source instead of creating the duplicate again; a merge of the merged moves aliases."""
    from claims.models import SourceAlias

    keep = SourceFactory(url="https://news.example/kept")
    duplicate = SourceFactory(url="https://news.example/dup?id=1")
    CitationFactory(source=duplicate)
    library.merge_sources(keep, [duplicate], by=None)
    found = editing.source_for_url(canonical_url("https://news.example/dup?id=1"), by=None)
    assert not found.created
    assert found.source == keep
    assert Source.objects.count() == 1
    final = SourceFactory(url="https://news.example/final")
    library.merge_sources(final, [keep], by=None)
    assert set(SourceAlias.objects.values_list("url", flat=True)) == {
        "https://news.example/dup?id=1",
        "https://news.example/kept",
    }
    assert set(SourceAlias.objects.values_list("source", flat=True)) == {final.pk}
    assert Citation.objects.get().source == final
    client.force_login(admin_user)
    page = client.get(reverse("admin:claims_source_change", args=[final.pk])).content.decode()
    assert "https://news.example/dup?id=1" in page
