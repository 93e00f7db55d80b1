"""The ClaimReview serialiser and its safe <script> element."""

import datetime
import json

import pytest
from django.utils import timezone

from claims.models import Article, Claim, Publisher, Rating, RatingScale, Verdict
from claims.publishing.claimreview import (
    Organisation,
    claim_review,
    claimant_type,
    ld_json_script,
    scale_bounds,
)

pytestmark = pytest.mark.django_db

ORG = Organisation(name="Desk", url="https://desk.example/")
FIRST = datetime.datetime(2026, 1, 5, 9, 30, 15, 123456, tzinfo=datetime.UTC)
LATER = FIRST + datetime.timedelta(days=2)


def rating(slug: str, scale: str = "Default") -> Rating:
    return Rating.objects.prefetch_related("scale__ratings").get(scale__name=scale, slug=slug)


def review(
    *,
    slug="false",
    scale="Default",
    claimant="Blinken",
    statement="Pyongyang sent one million rounds to Moscow.",
    published_at=FIRST,
    first_published_at=None,
    article=None,
) -> dict:
    """ClaimReview of in-memory objects: the serialiser needs no database rows for them."""
    article = article or Article(
        title="Blinken in Seoul",
        url="https://news.example/seoul",
        author="Jane Reporter",
        published_on=datetime.date(2023, 11, 9),
    )
    claim = Claim(article=article, statement=statement, claimant=claimant)
    verdict = Verdict(claim=claim, rating=rating(slug, scale), published_at=published_at)
    return claim_review(
        claim,
        verdict,
        url="https://desk.example/fact-checks/1/",
        organisation=ORG,
        first_published_at=first_published_at,
    )


def test_every_property_of_a_review():
    data = review()
    assert data == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://desk.example/fact-checks/1/",
        "datePublished": "2026-01-05T09:30:15+00:00",
        "author": {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"},
        "claimReviewed": "Pyongyang sent one million rounds to Moscow.",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "False",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Blinken"},
            "datePublished": "2023-11-09",
            "appearance": {
                "@type": "CreativeWork",
                "url": "https://news.example/seoul",
                "headline": "Blinken in Seoul",
                "datePublished": "2023-11-09",
                "author": {"@type": "Person", "name": "Jane Reporter"},
            },
        },
    }
    assert list(data)[:2] == ["@context", "@type"]


def test_claim_reviewed_is_the_statement_never_the_verdict():
    data = review(slug="true", statement="Seoul hosted the talks.")
    assert data["claimReviewed"] == "Seoul hosted the talks."
    assert "True" not in data["claimReviewed"]


@pytest.mark.parametrize(
    ("slug", "value"), [("true", 5), ("mostly-true", 4), ("half-true", 3), ("mostly-false", 2)]
)
def test_numbers_come_from_the_scale_positions(slug, value):
    """Higher is truer; best and worst are the scale's ends."""
    rated = review(slug=slug)["reviewRating"]
    assert (rated["ratingValue"], rated["bestRating"], rated["worstRating"]) == (value, 5, 1)
    assert rated["worstRating"] >= 1
    assert rated["bestRating"] > rated["worstRating"]


@pytest.mark.parametrize("slug", ["unproven", "misleading"])
def test_a_rating_off_the_scale_has_a_label_and_no_numbers(slug):
    rated = review(slug=slug)["reviewRating"]
    assert rated == {"@type": "Rating", "alternateName": rating(slug).label}


def test_a_scale_without_a_range_gives_no_numbers():
    """One positioned rating is no range: best must exceed worst."""
    scale = RatingScale.objects.create(name="Binary-ish")
    Rating.objects.create(scale=scale, label="Checked", slug="checked", position=1)
    rated = review(slug="checked", scale="Binary-ish")["reviewRating"]
    assert rated == {"@type": "Rating", "alternateName": "Checked"}
    assert scale_bounds(rating("checked", "Binary-ish")) is None


def test_a_correction_sets_date_modified():
    """datePublished stays the first publication; dateModified is the correction's."""
    data = review(published_at=LATER, first_published_at=FIRST)
    assert data["datePublished"] == "2026-01-05T09:30:15+00:00"
    assert data["dateModified"] == "2026-01-07T09:30:15+00:00"
    assert "dateModified" not in review(published_at=FIRST, first_published_at=FIRST)


def test_dates_are_iso_8601():
    data = review(published_at=timezone.now())
    datetime.datetime.fromisoformat(data["datePublished"])
    datetime.date.fromisoformat(data["itemReviewed"]["datePublished"])


@pytest.mark.parametrize(
    ("claimant", "kind"),
    [
        ("Blinken", "Person"),
        ("Antony Blinken", "Person"),
        ("Washington and Seoul", "Organization"),
        ("South Korea's Joint Chiefs of Staff", "Organization"),
        ("The Ministry of Unification", "Organization"),
        ("Pyongyang", "Organization"),
    ],
)
def test_claimant_is_a_person_or_an_organisation(claimant, kind):
    assert claimant_type(claimant) == kind
    assert review(claimant=claimant)["itemReviewed"]["author"] == {
        "@type": kind,
        "name": claimant,
    }


@pytest.mark.parametrize(
    "claimant",
    [
        "The head of American diplomacy",
        "The South Korean Foreign Minister",
        "The president",
        "Officials",
        "Officials 300",
        "US officials",
        "A senior official",
        "Experts",
    ],
)
def test_a_claimant_naming_nobody_is_no_author(claimant):
    """A title or a description the detector could not resolve to a person is neither a
    Person nor an Organization: itemReviewed has no author (not the article's either,
    who did not make the claim), and the rest of the review stands."""
    assert claimant_type(claimant) is None
    data = review(claimant=claimant)
    assert "author" not in data["itemReviewed"]
    assert data["itemReviewed"]["@type"] == "Claim"
    assert data["claimReviewed"] == "Pyongyang sent one million rounds to Moscow."


def test_without_a_claimant_the_article_speaks():
    """The article's author, else its publisher, made a claim nobody else is quoted for."""
    assert review(claimant="")["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Jane Reporter",
    }
    publisher = Publisher(pk=1, name="Yonhap")
    article = Article(title="T", publisher=publisher)
    data = review(claimant="", article=article)
    assert data["itemReviewed"]["author"] == {"@type": "Organization", "name": "Yonhap"}
    assert data["itemReviewed"]["appearance"] == {
        "@type": "NewsArticle",
        "headline": "T",
        "publisher": {"@type": "Organization", "name": "Yonhap"},
    }
    bare = review(claimant="", article=Article(title="Untitled"))["itemReviewed"]
    assert "author" not in bare
    assert "datePublished" not in bare
    assert bare["appearance"] == {"@type": "CreativeWork", "headline": "Untitled"}


def test_an_unsafe_article_url_is_left_out():
    article = Article(title="T", url="javascript:alert(1)")
    assert "url" not in review(article=article)["itemReviewed"]["appearance"]


def test_ld_json_script_escapes_what_could_end_the_element():
    data = {"claimReviewed": "</script><script>alert(1)</script> <!-- & -->"}
    html = ld_json_script(data)
    assert html.startswith('<script type="application/ld+json">')
    assert html.endswith("</script>")
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner
    assert ">" not in inner
    assert "&" not in inner
    assert "\\u003C/script\\u003E" in inner
    assert "\\u0026" in inner
    assert json.loads(inner) == data


def test_ld_json_script_serialises_dates_and_unicode():
    data = {"d": datetime.date(2023, 11, 9), "text": "Kim Jong-un’s “summit”"}
    inner = str(ld_json_script(data)).split(">", 1)[1].rsplit("<", 1)[0]
    assert json.loads(inner) == {"d": "2023-11-09", "text": "Kim Jong-un’s “summit”"}
