"""Searching claims and the library by words: "UN" is the UN, not "Council" or "Jong-un"
(on SQLite and PostgreSQL alike)."""

import pytest
from django.urls import reverse

from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, listed_claims

pytestmark = pytest.mark.django_db

BODY = (
    "The UN said so. The Security Council met. Kim Jong-un spoke. "
    "The un-named official briefed the press on the briefing."
)


def claim_over(article, words: str, statement: str | None = None) -> Claim:
    start = article.body.index(words)
    return ClaimFactory(
        article=article, start=start, end=start + len(words), statement=statement or words
    )


@pytest.fixture
def claims():
    article = ArticleFactory(body=BODY)
    return {
        "un": claim_over(article, "The UN said so."),
        "council": claim_over(article, "The Security Council met."),
        "kim": claim_over(article, "Kim Jong-un spoke."),
        "unnamed": claim_over(article, "The un-named official briefed the press"),
    }


def found(query: str) -> set[str]:
    return set(Claim.objects.matching(q=query).values_list("statement", flat=True))


def test_a_short_word_matches_only_as_a_whole_word(claims):
    """ "UN" finds the UN, not "Council", "Jong-un" or "un-named"."""
    assert found("UN") == {"The UN said so."}
    assert found("un") == {"The UN said so."}


def test_a_hyphenated_name_is_one_word(claims):
    """ "Jong-un" and "Jong" find Kim Jong-un; the hyphen does not make "un" a word."""
    assert found("Jong-un") == {"Kim Jong-un spoke."}
    assert found("Jong") == {"Kim Jong-un spoke."}


def test_a_longer_word_matches_the_start_of_a_word(claims):
    """ "brief" finds "briefed" (the list narrows as one types); "ouncil" finds nothing."""
    assert found("brief") == {"The un-named official briefed the press"}
    assert found("ouncil") == set()
    assert found("Security Coun") == {"The Security Council met."}


def test_regular_expression_characters_are_searched_as_typed(claims):
    """A query with regex syntax is matched literally, not as a pattern (nor an error)."""
    from claims.search import word_pattern

    assert found("(UN") == set()
    assert found("U.") == set()
    assert word_pattern("a.b").count("\\.") == 1


def test_the_workspace_filter_uses_whole_words(reviewer_client, claims):
    """The claim list filtered by "UN" lists the one claim about the UN."""
    article = claims["un"].article
    response = reviewer_client.get(article.get_absolute_url(), {"q": "UN"})
    listed = listed_claims(response)
    assert listed == [claims["un"].pk]


def test_the_library_search_uses_words(reviewer_client, claims):
    """The library search finds "UN" in a title as a word, not inside "Council"."""
    un = SourceFactory(title="UN panel of experts report")
    SourceFactory(title="Council on Foreign Relations backgrounder")
    claim = claims["un"]
    response = reviewer_client.get(
        reverse("claims:source_search", args=[claim.article_id, claim.pk]), {"source_q": "UN"}
    )
    html = response.content.decode()
    assert un.title in html
    assert "Council on Foreign Relations" not in html
