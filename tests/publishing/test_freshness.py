"""One freshness stamp for the public side: every public page, feed and anonymous API
answer carries the same ETag and Last-Modified, moved by any public change and by nothing
unpublished; an unchanged resource is a 304 for one query."""

import datetime

import pytest
from django.urls import reverse

from claims import workflow
from claims.models import Citation, Desk, Publisher, Verdict
from claims.publishing.api import issue_token
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    UserFactory,
    default_rating,
)
from tests.publishing.test_public import NOW, SECRET, published_claim

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


def test_a_304_costs_one_query(client, claim, django_assert_num_queries):
    Desk.current()
    for url in public_urls(claim):
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(1):
            assert client.get(url, headers={"if-none-match": etag}).status_code == 304
