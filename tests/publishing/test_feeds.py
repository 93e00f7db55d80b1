"""The Atom feed and the ClaimReview DataFeed: parsed by real parsers, published content
only, the same ClaimReview as the pages, constant queries."""

import datetime

import feedparser
import pytest
from django.urls import reverse

from claims import workflow
from claims.models import ClaimStatus, Verdict, VerdictState
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    UserFactory,
    article_with_claims,
    default_rating,
)
from tests.publishing.test_public import (
    NOW,
    SECRET,
    claim_review_blocks,
    fact_check_url,
    publish,
    publish_all,
    published_claim,
    unpublished_work,
)

pytestmark = pytest.mark.django_db

ATOM = reverse("public:feed_atom")
JSON_FEED = reverse("public:feed_claimreview")


def atom(client):
    response = client.get(ATOM)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_atom_feed_lists_published_fact_checks(client):
    older = published_claim(statement="Older claim", at=NOW - datetime.timedelta(days=1))
    newer = published_claim(statement="Newer claim", rating="true", at=NOW)
    feed = atom(client)
    assert feed.version == "atom10"
    assert feed.feed.title == "Fact-checks"
    assert [entry.link for entry in feed.entries] == [
        "http://testserver" + fact_check_url(newer),
        "http://testserver" + fact_check_url(older),
    ]
    first = feed.entries[0]
    assert first.title == "True: Newer claim"
    assert first.id == first.link
    assert "far lower" in first.summary
    assert [tag.term for tag in first.tags] == ["True"]
    assert feed.feed.author == "Fact-check desk"
    published = datetime.datetime(*first.published_parsed[:6], tzinfo=datetime.UTC)
    assert published == NOW


def test_atom_feed_shows_corrections(client):
    claim = published_claim(at=NOW - datetime.timedelta(days=2))
    publish(claim, rating="half-true", correction_note="A later briefing changed the count.")
    [entry] = atom(client).entries
    assert entry.title.startswith("Half true:")
    assert "A later briefing changed the count." in entry.summary
    assert entry.updated_parsed > entry.published_parsed


def test_atom_feed_escapes_reviewer_text(client):
    """Reasoning is text: markup in it reaches feed readers escaped, never as HTML."""
    published_claim(reasoning='<script>alert(1)</script><img src=x onerror="alert(2)">')
    [entry] = atom(client).entries
    assert "<script" not in entry.summary
    assert "<img" not in entry.summary
    assert "&lt;script&gt;" in entry.summary


def test_feeds_omit_unpublished_work(client):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    published = unpublished_work(article)
    for url in (ATOM, JSON_FEED):
        body = client.get(url).content.decode()
        assert SECRET not in body, url
        assert fact_check_url(published) in body


def test_json_feed_is_a_data_feed_of_the_pages_claim_reviews(client):
    """Each element is exactly the ClaimReview the fact-check page carries."""
    claims = [
        published_claim(statement=f"Claim {n}", at=NOW - datetime.timedelta(n)) for n in (0, 1)
    ]
    response = client.get(JSON_FEED)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    data = response.json()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "DataFeed"
    assert data["url"] == "http://testserver" + JSON_FEED
    assert data["dateModified"] == NOW.isoformat()
    pages = [claim_review_blocks(client.get(fact_check_url(c)).content.decode())[0] for c in claims]
    assert data["dataFeedElement"] == pages
    assert response["X-Total-Count"] == "2"
    assert not response.has_header("Link")


def test_json_feed_pages(client, monkeypatch):
    monkeypatch.setattr("claims.publishing.feeds.CLAIM_REVIEWS_PER_PAGE", 2)
    publish_all(article_with_claims(5))
    first = client.get(JSON_FEED)
    assert len(first.json()["dataFeedElement"]) == 2
    assert first["Link"] == f'<http://testserver{JSON_FEED}?page=2>; rel="next"'
    second = client.get(JSON_FEED + "?page=2")
    assert second.json()["url"] == f"http://testserver{JSON_FEED}?page=2"
    assert 'rel="next"' in second["Link"]
    assert 'rel="prev"' in second["Link"]
    last = client.get(JSON_FEED + "?page=3")
    assert len(last.json()["dataFeedElement"]) == 1
    assert 'rel="next"' not in last["Link"]
    seen = {
        element["url"]
        for page in (first, second, last)
        for element in page.json()["dataFeedElement"]
    }
    assert len(seen) == 5
    assert client.get(JSON_FEED + "?page=4").status_code == 404
    assert client.get(JSON_FEED + "?page=zero").status_code == 404


def test_empty_feeds_are_valid(client):
    ClaimFactory(status=ClaimStatus.IN_REVIEW)
    assert atom(client).entries == []
    data = client.get(JSON_FEED).json()
    assert data["dataFeedElement"] == []
    assert "dateModified" not in data


def test_a_submitted_correction_is_not_in_the_feeds(client):
    claim = published_claim(rating="false")
    Verdict.objects.create(
        claim=claim,
        rating=default_rating("true"),
        author=UserFactory(),
        state=VerdictState.SUBMITTED,
        reasoning=SECRET,
        correction_note=SECRET,
    )
    [entry] = atom(client).entries
    assert entry.title.startswith("False:")
    [element] = client.get(JSON_FEED).json()["dataFeedElement"]
    assert element["reviewRating"]["alternateName"] == "False"


@pytest.mark.parametrize("count", [1, 30])
def test_feeds_run_constant_queries(client, django_assert_max_num_queries, count):
    publish_all(article_with_claims(count))
    # One for the public stamp, then the feed's.
    with django_assert_max_num_queries(4):
        assert len(atom(client).entries) == count
    with django_assert_max_num_queries(5):
        assert len(client.get(JSON_FEED).json()["dataFeedElement"]) == count


@pytest.mark.parametrize("url", [ATOM, JSON_FEED, JSON_FEED + "?page=1"])
def test_unchanged_feeds_answer_conditional_gets_with_304(client, url):
    """Feed readers polling an unchanged feed get a 304; a new publication makes it fresh."""
    published_claim(at=NOW - datetime.timedelta(hours=2))
    response = client.get(url)
    assert response.status_code == 200
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    published_claim(ArticleFactory(), statement="Russia supplied North Korea with technology.")
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_empty_feeds_carry_no_validators(client):
    """Nothing published: no ETag or Last-Modified that could reflect unpublished work."""
    ClaimFactory(status=ClaimStatus.RESEARCHING)
    for url in (ATOM, JSON_FEED):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.has_header("ETag")
        assert not response.has_header("Last-Modified")


def test_proposing_a_correction_changes_no_public_validator(client):
    """A correction waiting for approval is internal: the feeds and the fact-check page keep
    their ETag and Last-Modified, so polling reveals nothing about it."""
    claim = published_claim(rating="false", at=NOW - datetime.timedelta(hours=2))
    urls = [ATOM, JSON_FEED, fact_check_url(claim)]
    before = {url: client.get(url) for url in urls}
    workflow.correct(
        claim,
        by=UserFactory(roles=["Editor"]),
        rating=default_rating("true"),
        reasoning=SECRET,
        note=SECRET,
    )
    for url in urls:
        response = client.get(url, headers={"if-none-match": before[url]["ETag"]})
        assert response.status_code == 304, url
        assert response["Last-Modified"] == before[url]["Last-Modified"], url
