import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from claims.models import (
    Article,
    Claim,
    ClaimStatus,
    Rating,
    RatingScale,
    Source,
    Verdict,
    VerdictState,
)
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db


def refused(**fields):
    """Saving a claim with these fields breaks a database constraint."""
    fields = {"prefix": "", "suffix": "", **fields}
    claim = ClaimFactory.build(article=ArticleFactory(), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.bulk_create([claim])


def test_default_rating_scale_exists():
    """The data migration creates the default scale with PRODUCT.md's seven ratings."""
    scale = RatingScale.objects.get(is_default=True)
    assert [(r.label, r.position) for r in scale.ratings.all()] == [
        ("True", 5),
        ("Mostly true", 4),
        ("Half true", 3),
        ("Mostly false", 2),
        ("False", 1),
        ("Unproven", None),
        ("Misleading", None),
    ]


def test_only_one_default_scale():
    """A second default rating scale is refused."""
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingScale.objects.create(name="Other", is_default=True)


def test_rating_positions_start_at_one_and_are_unique():
    """A position below 1, or one already taken on the scale, is refused."""
    scale = RatingScale.objects.create(name="Two-point")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(scale=scale, label="Zero", slug="zero", position=0)
    Rating.objects.create(scale=scale, label="Low", slug="low", position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(scale=scale, label="Also low", slug="also-low", position=1)


def test_claim_status_must_be_a_workflow_status():
    """A status outside the workflow is refused by the database."""
    refused(status="maybe")


def test_claim_kind_must_be_known():
    """A kind outside the list is refused."""
    refused(kind="gossip")


def test_claim_span_must_not_be_empty():
    """A span that ends where it starts is refused."""
    refused(start=5, end=5, quote="x")


def test_claim_score_between_0_and_1():
    """A check-worthiness outside 0–1 is refused."""
    refused(score=1.5)
    refused(score=-0.1)


def test_dismissed_claim_needs_a_reason():
    """A claim cannot be dismissed without a reason."""
    refused(status=ClaimStatus.DISMISSED, dismissal_reason="")
    ClaimFactory(status=ClaimStatus.DISMISSED, dismissal_reason="Opinion, not a claim.")


def test_two_claims_cannot_share_a_span():
    """One span of an article is one claim."""
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=claim.article, start=claim.start, end=claim.end)


def test_claim_quote_is_validated_against_the_article():
    """full_clean refuses a quote that is not at the span in the article text."""
    claim = ClaimFactory.build(article=ArticleFactory(body="The figure is one million."))
    claim.start, claim.end, claim.quote = 14, 25, "one billion"
    with pytest.raises(ValidationError, match="not at that place"):
        claim.full_clean()


def test_one_source_per_canonical_url():
    """Two URLs that differ only in tracking, case or fragment are the same source."""
    SourceFactory(url="https://News.example/report?utm_source=feed")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url="https://news.example/report#top")
    assert Source.objects.get().url == "https://news.example/report"


def test_cited_source_cannot_be_deleted():
    """A source that a claim cites is protected from deletion."""
    citation = CitationFactory()
    with pytest.raises(ProtectedError):
        citation.source.delete()


def test_article_text_is_fixed_once_claims_point_into_it():
    """Changing the body of an article with claims is refused."""
    claim = ClaimFactory()
    article = claim.article
    article.body = "Something else entirely."
    with pytest.raises(ValidationError, match="fixed"):
        article.save()
    assert Article.objects.get().body != "Something else entirely."


def test_article_body_must_not_be_empty():
    """An article without text is refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="Empty", body="")


def test_an_article_keeps_its_first_text_as_version_1():
    """Creating an article records its text as its first version."""
    article = ArticleFactory(body="The first text.")
    version = article.versions.get()
    assert (version.number, version.body, version.body_hash) == (
        1,
        "The first text.",
        article.body_hash,
    )


def test_verdict_approver_cannot_be_its_author():
    """The database refuses a verdict approved by the person who wrote it."""
    author = UserFactory()
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(
            claim=claim,
            rating=default_rating(),
            author=author,
            approved_by=author,
            state=VerdictState.APPROVED,
            approved_at="2026-01-01T00:00Z",
        )


def test_approved_verdict_needs_approver_and_time():
    """An approved verdict without approver or approval time is refused."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(
            claim=ClaimFactory(),
            rating=default_rating(),
            author=UserFactory(),
            state=VerdictState.APPROVED,
        )


def test_one_open_verdict_per_author_and_claim():
    """A reviewer has at most one draft or submitted verdict on a claim."""
    claim, author = ClaimFactory(), UserFactory()
    Verdict.objects.create(claim=claim, rating=default_rating(), author=author)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(claim=claim, rating=default_rating("false"), author=author)


def test_changes_are_kept_in_history():
    """Creating and editing a claim leaves history records."""
    claim = ClaimFactory()
    claim.statement = "Edited statement"
    claim.save()
    assert [h.history_type for h in claim.history.all()] == ["~", "+"]
