"""The public side of revisions and of the desk's archive: a fact-check keeps the words it
checked with a note once the article changes, and cites the desk's own archived copy of its
sources, public once a claim citing them is published and only then."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimStatus
from claims.revisions import revise_article
from claims.sources.archive import archive_upload
from tests.factories import CitationFactory, ClaimFactory, SourceFactory
from tests.publishing.test_public import publish, published_claim

pytestmark = pytest.mark.django_db

CHANGED = "The article has changed since this fact-check."


def fact_check_html(client, claim) -> str:
    response = client.get(reverse("public:fact_check", args=[claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_fact_check_keeps_the_words_it_checked_once_the_article_changes(client):
    """The quote as checked stays, with a note linking to the article as it is now."""
    claim = published_claim(at=timezone.now() - datetime.timedelta(days=2))
    article = claim.article
    quote = claim.quote
    revise_article(article, body="Rewritten: " + article.body.replace(quote, "other words"))
    html = fact_check_html(client, claim)
    assert f"<mark>{quote}</mark>" in html
    assert CHANGED in html
    assert 'href="https://news.example/blinken-seoul"' in html
    assert "Read the article as it is now" in html
    report = client.get(reverse("public:article_report", args=[article.pk])).content.decode()
    assert CHANGED in report


def test_a_moved_claim_also_gets_the_note(client):
    """Words still found (moved) are the words checked; the article changed all the same."""
    claim = published_claim(at=timezone.now() - datetime.timedelta(days=2))
    revise_article(claim.article, body="A new first line.\n" + claim.article.body)
    html = fact_check_html(client, claim)
    assert f"<mark>{claim.quote}</mark>" in html
    assert CHANGED in html


def test_without_an_article_url_the_note_links_to_the_report(client):
    claim = published_claim(at=timezone.now() - datetime.timedelta(days=2))
    claim.article.url = ""
    claim.article.save()
    revise_article(claim.article, body="Later: " + claim.article.body)
    html = fact_check_html(client, claim)
    assert CHANGED in html
    assert reverse("public:article_report", args=[claim.article.pk]) + '">All fact-checks' in html


def test_no_note_when_the_article_changed_before_the_verdict_was_published(client):
    """A verdict published after the revision checked the current text."""
    claim = ClaimFactory(statement="Checked after the revision.")
    revise_article(claim.article, body="Earlier words. " + claim.article.body)
    claim.refresh_from_db()
    CitationFactory(claim=claim)

    publish(claim, at=timezone.now() + datetime.timedelta(seconds=1))
    assert CHANGED not in fact_check_html(client, claim)


def test_a_correction_after_the_revision_checks_the_new_text(client):
    claim = published_claim(at=timezone.now() - datetime.timedelta(days=2))
    revise_article(claim.article, body="Later: " + claim.article.body)

    publish(claim, rating="true", correction_note="Checked again.", at=timezone.now())
    assert CHANGED not in fact_check_html(client, claim)


def desk_archived_source(claim):
    page = archive_upload(b"<html><p>The source as fetched.</p></html>", filename="s.html")
    source = SourceFactory(archived_page=page, title="Ministry figures")
    CitationFactory(claim=claim, source=source, stance="refutes")
    return page


def test_a_published_fact_check_links_the_desks_archived_copy_of_its_sources(client):
    """The source shows "archived by the desk on <date>", served inert to anyone."""
    claim = published_claim()
    page = desk_archived_source(claim)
    html = fact_check_html(client, claim)
    url = reverse("public:archived_source", args=[page.pk])
    assert f'href="{url}"' in html
    assert f"archived by the desk on {page.captured_at:%-d %B %Y}" in html
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"<html><p>The source as fetched.</p></html>"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "allow-scripts" not in policy
    assert "default-src 'none'" in policy


def test_an_unpublished_claims_source_archive_stays_private(client):
    """A source cited only by a claim not yet published: its archive is the desk's alone."""
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    page = desk_archived_source(claim)
    assert client.get(reverse("public:archived_source", args=[page.pk])).status_code == 404
    desk_url = reverse("claims:archived_page", args=[page.pk])
    assert client.get(desk_url).status_code == 302  # to the login page


def test_a_source_archive_goes_private_again_when_its_claim_is_unpublished(client):
    claim = published_claim()
    page = desk_archived_source(claim)
    url = reverse("public:archived_source", args=[page.pk])
    assert client.get(url).status_code == 200
    claim.status = ClaimStatus.RESEARCHING
    claim.save()
    assert client.get(url).status_code == 404


def test_an_articles_own_archived_page_is_not_public(client):
    """Only cited sources' copies are public; the article's imported page is not."""
    claim = published_claim()
    page = archive_upload(b"<html>the article page</html>", filename="a.html")
    claim.article.archived_page = page
    claim.article.save()
    assert client.get(reverse("public:archived_source", args=[page.pk])).status_code == 404
