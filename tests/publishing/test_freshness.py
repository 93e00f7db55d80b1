"""One freshness stamp for the public side: every public page, feed and anonymous API
answer carries the same ETag and Last-Modified, moved by any public change and by nothing
unpublished; an unchanged resource is a 304 without a query. The stamp and every full
answer are kept in the cache: a kept page is never served once something public changed."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import workflow
from claims.models import Citation, Claim, ClaimStatus, Desk, Publisher, Verdict
from claims.publishing import freshness
from claims.publishing.api import issue_token
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    UserFactory,
    default_rating,
)
from tests.publishing.test_public import NOW, SECRET, publish, published_claim

pytestmark = pytest.mark.django_db

API_LISTS = ["/api/claims", "/api/verdicts", "/api/articles", "/api/sources"]


def public_urls(claim) -> list[str]:
    return [
        reverse("public:index"),
        reverse("public:fact_check", args=[claim.pk]),
        reverse("public:article_report", args=[claim.article_id]),
        reverse("public:methodology"),
        reverse("public:feed_atom"),
        reverse("public:feed_claimreview"),
        *API_LISTS,
        f"/api/claims/{claim.pk}",
    ]


@pytest.fixture
def claim():
    return published_claim(at=NOW - datetime.timedelta(hours=1))


def test_every_public_answer_carries_the_same_stamp(client, claim):
    answers = [client.get(url) for url in public_urls(claim)]
    assert {response.status_code for response in answers} == {200}
    assert len({response["ETag"] for response in answers}) == 1
    assert len({response["Last-Modified"] for response in answers}) == 1


@pytest.mark.parametrize("url", [*API_LISTS, "/api/claims/{pk}", "/api/verdicts/{verdict}"])
def test_anonymous_api_calls_answer_conditional_gets(client, claim, url):
    url = url.format(pk=claim.pk, verdict=claim.verdicts.get().pk)
    response = client.get(url)
    assert response.status_code == 200
    assert "Authorization" in response["Vary"]
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    published_claim(ArticleFactory(), statement="Russia supplied North Korea with technology.")
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_a_desk_token_gets_no_public_validators(client, claim):
    """A token sees drafts: the public stamp says nothing about its answers."""
    etag = client.get("/api/claims")["ETag"]
    headers = {"Authorization": f"Bearer {issue_token(UserFactory(roles=['Editor']))}"}
    response = client.get("/api/claims", headers={**headers, "if-none-match": etag})
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert not response.has_header("Last-Modified")
    assert "Authorization" in response["Vary"]


def test_nothing_published_means_no_validators_anywhere(client):
    ClaimFactory()
    for url in [reverse("public:index"), reverse("public:feed_atom"), *API_LISTS]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.has_header("ETag"), url
        assert not response.has_header("Last-Modified"), url


def test_errors_carry_no_validators(client, claim):
    for url in [reverse("public:fact_check", args=[999999]), "/api/claims/999999"]:
        response = client.get(url)
        assert response.status_code == 404
        assert not response.has_header("ETag")


def test_unpublished_work_does_not_move_the_stamp(client, claim):
    """Drafts, submissions, a pending correction and new claims are the desk's business."""
    before = client.get("/api/claims")["ETag"]
    author, editor = UserFactory(roles=["Reviewer"]), UserFactory(roles=["Editor"])
    workflow.correct(claim, by=author, rating=default_rating("true"), reasoning=SECRET, note=SECRET)
    other = ClaimFactory(article=claim.article, start=12, end=20)
    CitationFactory(claim=other)
    Verdict.objects.create(claim=other, rating=default_rating(), author=editor, reasoning=SECRET)
    for url in public_urls(claim):
        assert client.get(url, headers={"if-none-match": before}).status_code == 304, url


@pytest.mark.parametrize("change", ["citation removed", "publisher renamed", "verdict deleted"])
def test_a_public_change_moves_the_stamp(client, claim, change):
    """Rows leaving the public side move it too, though no timestamp is later."""
    other = published_claim(ArticleFactory(), statement="Russia supplied the technology.")
    before = client.get(reverse("public:index"))["ETag"]
    if change == "citation removed":
        Citation.objects.filter(claim=claim).delete()
    elif change == "publisher renamed":
        publisher = Publisher.objects.get(sources__citations__claim=claim)
        publisher.name = "Renamed outlet"
        publisher.save()
    else:
        Verdict.objects.filter(claim=other).delete()
    for url in public_urls(claim):
        response = client.get(url, headers={"if-none-match": before})
        assert response.status_code == 200, (change, url)


def test_a_304_costs_no_query(client, claim, django_assert_num_queries):
    """The stamp is kept in the cache: a current client's request reads no row."""
    Desk.current()
    for url in public_urls(claim):
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(0):
            assert client.get(url, headers={"if-none-match": etag}).status_code == 304


# Kept summaries and pages ---------------------------------------------------------------


def kept_urls(claim) -> list[str]:
    return [
        reverse("public:index"),
        reverse("public:fact_check", args=[claim.pk]),
        reverse("public:article_report", args=[claim.article_id]),
        reverse("public:feed_atom"),
        "/api/claims",
    ]


def test_a_publication_shows_at_once_on_kept_pages(client, claim):
    """Pages asked before a claim is published show it on the next request."""
    for url in kept_urls(claim):
        client.get(url)
    other = ClaimFactory(
        article=claim.article, start=12, end=20, statement="Hamas fighters used its arms."
    )
    publish(other)
    for url in kept_urls(claim):
        if url == reverse("public:fact_check", args=[claim.pk]):
            url = reverse("public:fact_check", args=[other.pk])
        assert "Hamas fighters used its arms." in client.get(url).content.decode(), url


def test_a_withdrawn_claim_leaves_kept_pages_at_once(client, claim):
    """A claim taken off the public side is gone from pages asked just before."""
    for url in kept_urls(claim):
        assert claim.statement in client.get(url).content.decode(), url
    claim.status = ClaimStatus.RESEARCHING
    claim.save()
    assert client.get(reverse("public:fact_check", args=[claim.pk])).status_code == 404
    assert client.get(reverse("public:article_report", args=[claim.article_id])).status_code == 404
    for url in (reverse("public:index"), reverse("public:feed_atom"), "/api/claims"):
        assert claim.statement not in client.get(url).content.decode(), url


def test_a_correction_shows_at_once_on_kept_pages(client, claim):
    url = reverse("public:fact_check", args=[claim.pk])
    assert "Corrected" not in client.get(url).content.decode()
    publish(claim, rating="true", correction_note="The estimate was revised.")
    html = client.get(url).content.decode()
    assert "The estimate was revised." in html
    assert "Corrected" in client.get(reverse("public:index")).content.decode()


def test_a_change_forgets_the_summary_again_when_it_commits(
    client, claim, django_capture_on_commit_callbacks
):
    """A summary read from the rows before the commit is stored under a generation that
    the commit replaces, so no later request reads it."""
    with django_capture_on_commit_callbacks(execute=True):
        claim.statement = "Changed inside the transaction."
        claim.save()
        during = cache.get(freshness.GENERATION_KEY)
    assert cache.get(freshness.GENERATION_KEY) != during


def test_a_change_no_signal_reports_shows_within_the_stamp_timeout(client, claim, monkeypatch):
    """A bulk update sends no signal: the kept summary goes stale for PUBLIC_STAMP_TIMEOUT
    seconds at most."""
    url = reverse("public:fact_check", args=[claim.pk])
    client.get(url)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.RESEARCHING)
    assert client.get(url).status_code == 200  # the kept page, for now
    later = time.time() + freshness._stamp_timeout() + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(url).status_code == 404


def test_kept_pages_are_kept_per_address(client, claim, settings):
    """Absolute links follow the host asked: each host has its own kept page."""
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    url = reverse("public:fact_check", args=[claim.pk])
    assert "http://one.example/" in client.get(url, HTTP_HOST="one.example").content.decode()
    html = client.get(url, HTTP_HOST="two.example").content.decode()
    assert "http://two.example/" in html
    assert "one.example" not in html


def test_public_pages_answer_when_the_cache_does_not(client, claim, monkeypatch):
    class Unreachable:
        def get(self, *args, **kwargs):
            raise ConnectionError("no cache")

        set = get

    monkeypatch.setattr(freshness, "cache", Unreachable())
    response = client.get(reverse("public:fact_check", args=[claim.pk]))
    assert response.status_code == 200
    assert claim.statement in response.content.decode()


def test_long_answers_are_not_kept(client, claim, monkeypatch, django_assert_max_num_queries):
    """An answer longer than PAGE_MAX_BYTES is computed again (memory stays bounded)."""
    url = reverse("public:fact_check", args=[claim.pk])
    client.get(url)
    with django_assert_max_num_queries(0):
        client.get(url)
    monkeypatch.setattr(freshness, "PAGE_MAX_BYTES", 100)
    cache.clear()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert queries  # computed again, not read from the cache


def test_a_renamed_reviewer_shows_at_once_on_kept_pages(client, claim):
    """Reviewer names (when the desk shows them) are not in the stamp: renaming a user
    still forgets the kept pages."""
    Desk.objects.update_or_create(pk=1, defaults={"show_reviewer_names": True})
    url = reverse("public:fact_check", args=[claim.pk])
    client.get(url)
    author = claim.verdicts.get().author
    author.first_name, author.last_name = "Renamed", "Reviewer"
    author.save()
    assert "Renamed Reviewer" in client.get(url).content.decode()
