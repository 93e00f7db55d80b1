"""Matching a claim against claims already taken up in other articles (claims.matching).

Runs on whichever database the suite runs on: trigram similarity on PostgreSQL, the
word-overlap query on SQLite. The statement pairs are rewordings both methods match
(see the figures in claims/matching.py), not copies.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.matching import content_words, jaccard, key_words, similar_claims
from claims.models import Claim, ClaimStatus, Verdict, VerdictState
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    UserFactory,
    default_rating,
    sentences_body,
)

SENT = (
    "Pyongyang sent approximately one million artillery rounds and other military "
    "equipment to Moscow"
)
# The same claim, reworded in other articles.
RECEIVED = (
    "Moscow received about one million artillery rounds and other military equipment from Pyongyang"
)
PASSIVE = "Approximately one million artillery rounds were sent by Pyongyang to Moscow"
# Shares "sent", "one million" and "Moscow" but says something else.
VACCINE = "Seoul sent one million doses of vaccine to Moscow"
UNRELATED = "The unemployment rate fell to 3.5 percent in October"

LAUNCHERS = "North Korean-made anti-tank rocket launchers were used by Hamas fighters"
LAUNCHERS_REWORDED = "Hamas fighters used anti-tank rocket launchers made in North Korea"


def make_claim(statement, article=None, status=ClaimStatus.ACCEPTED, start=0, **fields):
    """A claim with this statement; claims of one article need distinct `start`s."""
    if status == ClaimStatus.DISMISSED:
        fields.setdefault("dismissal_reason", "Not checkable")
    return ClaimFactory(
        statement=statement,
        article=article or ArticleFactory(),
        status=status,
        start=start,
        end=start + 10,
        **fields,
    )


@pytest.mark.django_db
def test_a_reworded_claim_in_another_article_is_found():
    """Both rewordings come back, each with its article and a similarity score."""
    claim = make_claim(SENT)
    received = make_claim(RECEIVED)
    passive = make_claim(PASSIVE)

    found = similar_claims(claim)

    assert set(found) == {received, passive}
    for match in found:
        assert match.article_id != claim.article_id
        assert 0 < match.similarity <= 1
    assert found[0].similarity >= found[1].similarity


@pytest.mark.django_db
def test_claims_that_share_a_few_words_are_not_matches():
    """A claim with some of the same words, and an unrelated one, are not found."""
    claim = make_claim(SENT)
    make_claim(VACCINE)
    make_claim(UNRELATED)

    assert similar_claims(claim) == []


@pytest.mark.django_db
def test_matching_works_both_ways_and_on_other_claims():
    """The rocket-launcher claim matches its rewording, and not the artillery claim."""
    launchers = make_claim(LAUNCHERS)
    reworded = make_claim(LAUNCHERS_REWORDED)
    make_claim(SENT)

    assert similar_claims(launchers) == [reworded]
    assert similar_claims(reworded) == [launchers]


@pytest.mark.django_db
def test_claims_of_the_same_article_are_ignored():
    """The claim itself and its article's other claims are not 'checked before'."""
    article = ArticleFactory()
    claim = make_claim(SENT, article=article)
    make_claim(PASSIVE, article=article, start=20)
    make_claim(SENT, article=article, start=40)

    assert similar_claims(claim) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ClaimStatus.DETECTED, ClaimStatus.DISMISSED])
def test_claims_not_taken_up_are_ignored(status):
    """Detected (untriaged) and dismissed claims are not matches, even word for word."""
    claim = make_claim(SENT)
    make_claim(SENT, status=status)
    make_claim(PASSIVE, status=status)

    assert similar_claims(claim) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [ClaimStatus.ACCEPTED, ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW]
)
def test_claims_in_progress_are_matches(status):
    """Claims being worked on count, not only published ones."""
    claim = make_claim(SENT)
    other = make_claim(RECEIVED, status=status)

    assert similar_claims(claim) == [other]


@pytest.mark.django_db
def test_a_match_carries_its_published_verdict():
    """A published claim's verdict comes with the match, for 'Checked before: ... — verdict'."""
    author = UserFactory(roles=["Reviewer"])
    approver = UserFactory(roles=["Editor"])
    published = make_claim(PASSIVE, status=ClaimStatus.PUBLISHED)
    Verdict.objects.create(
        claim=published,
        rating=default_rating("mostly-true"),
        author=author,
        approved_by=approver,
        approved_at=timezone.now(),
        published_at=timezone.now(),
        state=VerdictState.APPROVED,
    )
    claim = make_claim(SENT)

    [match] = similar_claims(claim)

    assert match == published
    assert (match.verdict_slug, match.verdict_state) == ("mostly-true", VerdictState.APPROVED)
    assert match.verdict_label == default_rating("mostly-true").label


@pytest.mark.django_db
def test_limit_keeps_the_best_matches():
    """`limit` caps the list; the closest rewording comes first."""
    claim = make_claim(SENT)
    for _ in range(3):
        make_claim(RECEIVED)
    closest = make_claim(SENT + " last year")

    found = similar_claims(claim, limit=2)

    assert len(found) == 2
    assert found[0] == closest


@pytest.mark.django_db
def test_an_unsaved_claim_can_be_matched():
    """A claim being created (no pk yet) is matched by its statement."""
    other = make_claim(PASSIVE)
    draft = make_claim(SENT)
    draft.pk = None

    assert similar_claims(draft) == [other]


@pytest.mark.django_db
def test_a_statement_without_words_matches_nothing():
    """Punctuation alone gives nothing to search for, and no error."""
    make_claim("…")
    assert similar_claims(make_claim("— …")) == []


@pytest.mark.django_db
def test_query_count_does_not_grow_with_matches(django_assert_max_num_queries):
    """One query, however many claims match, with articles and verdicts loaded."""
    claim = make_claim(SENT)
    author = UserFactory(roles=["Reviewer"])
    for statement in [RECEIVED, PASSIVE, RECEIVED, PASSIVE, VACCINE, UNRELATED] * 3:
        other = make_claim(statement, status=ClaimStatus.RESEARCHING)
        Verdict.objects.create(claim=other, rating=default_rating(), author=author)

    with django_assert_max_num_queries(1):
        found = similar_claims(claim, limit=10)
        shown = [(m.article.title, m.verdict_label, m.similarity) for m in found]

    assert len(shown) == 10


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the full-text index is PostgreSQL's")
def test_postgresql_matching_uses_the_search_index():
    """The plan of the query similar_claims runs names the full-text index of migration 0007.

    With a few hundred claims of other statements, all accepted, and fresh statistics, the
    planner finds the index cheaper than reading the table; sequential scans are priced out
    for this test's transaction so that what is checked is that the query's expression is
    the index's (the planner's choice between the two on tiny tables varied under load).
    """
    article = ArticleFactory(body=sentences_body(400))
    filler = [
        Claim(
            article=article,
            statement=f"Turnout in district {n} rose to {n}% of registered voters",
            status=ClaimStatus.ACCEPTED,
        )
        for n in range(400)
    ]
    for n, claim in enumerate(filler):
        claim.anchor_to(article.body, n, n + 5)
    Claim.objects.bulk_create(filler)
    claim = make_claim(SENT)
    make_claim(PASSIVE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as queries:
        assert len(similar_claims(claim)) == 1
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_statement_search" in plan


# --- The word overlap behind the SQLite query ---------------------------------------------


def test_content_words_fold_plurals_numbers_and_stopwords():
    """Stopwords and hedges go, plurals fold, numbers in words read as digits."""
    assert content_words("About one million artillery rounds, 1,000 countries") == {
        "1",
        "million",
        "artillery",
        "round",
        "1000",
        "country",
    }


def test_key_words_are_the_longest_words_not_numbers():
    """Four words, longest first; numbers count in the overlap but are not searched for."""
    words = content_words("Pyongyang sent 1,000,000 rounds to 12 countries")
    assert key_words(words) == ["pyongyang", "country", "round", "sent"]
    assert key_words(content_words("It is 12")) == []


def test_jaccard_is_the_share_of_common_words():
    """|a & b| / |a | b|, and 0 for two empty sets."""
    assert jaccard(frozenset("abc"), frozenset("bcd")) == pytest.approx(2 / 4)
    assert jaccard(frozenset(), frozenset()) == 0.0
