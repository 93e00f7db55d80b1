import pytest

from claims import editing
from claims.models import Citation, Claim, ClaimOrigin, ClaimStatus, Comment, Source, Verdict
from claims.permissions import NotAllowed
from claims.sources.canonical import UnsafeURL, canonical_url
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherDomainFactory,
    SourceFactory,
    UserFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db

BODY = "Seoul said Pyongyang sent one million shells to Moscow, and Hamas used its rockets."


@pytest.fixture
def claim():
    article = ArticleFactory(body=BODY)
    return ClaimFactory(article=article, start=11, end=len(BODY) - 1, statement="Original")


def test_edit_claim_saves_and_raises_the_version(claim, reviewer):
    """An edit saves the new text and raises the version, with history naming the editor."""
    edited = editing.edit_claim(
        claim, by=reviewer, version=1, statement=" New ", claimant="Seoul", kind="statistic"
    )
    assert (edited.statement, edited.claimant, edited.kind, edited.version) == (
        "New",
        "Seoul",
        "statistic",
        2,
    )
    assert claim.history.first().history_user == reviewer


def test_stale_edit_is_a_conflict_and_changes_nothing(claim, reviewer):
    """Saving on top of a newer version raises a conflict carrying the current claim."""
    editing.edit_claim(claim, by=reviewer, version=1, statement="First", claimant="", kind="other")
    with pytest.raises(editing.EditConflict) as raised:
        editing.edit_claim(
            claim, by=reviewer, version=1, statement="Second", claimant="", kind="other"
        )
    assert raised.value.current.statement == "First"
    claim.refresh_from_db()
    assert claim.statement == "First"


@pytest.mark.parametrize(("statement", "kind"), [("  ", "other"), ("Fine", "gossip")])
def test_edit_refuses_empty_statement_or_unknown_kind(claim, reviewer, statement, kind):
    """An empty statement or an unknown kind is refused."""
    with pytest.raises(editing.EditRefused):
        editing.edit_claim(
            claim, by=reviewer, version=1, statement=statement, claimant="", kind=kind
        )


def test_split_claim_in_two(claim, reviewer):
    """Splitting cuts the span between two words; each part covers its own words."""
    at = claim.quote.index("and Hamas")
    first, second = editing.split_claim(claim, by=reviewer, version=1, at=at)
    body = claim.article.body
    assert first.quote == "Pyongyang sent one million shells to Moscow,"
    assert second.quote == "and Hamas used its rockets"
    assert body[first.start : first.end] == first.quote
    assert body[second.start : second.end] == second.quote
    assert second.origin == ClaimOrigin.MANUAL
    assert Claim.objects.count() == 2


def test_split_must_fall_between_words(claim, reviewer):
    """A split point inside a word is refused."""
    with pytest.raises(editing.EditRefused):
        editing.split_claim(claim, by=reviewer, version=1, at=3)


def test_merge_moves_citations_and_verdicts(reviewer):
    """Merging keeps every citation and verdict on the merged claim and spans both."""
    article = ArticleFactory(body=BODY)
    first = ClaimFactory(article=article, start=11, end=54)
    second = ClaimFactory(article=article, start=60, end=len(BODY) - 1)
    shared = SourceFactory()
    CitationFactory(claim=first, source=shared)
    CitationFactory(claim=second, source=shared)
    only_second = CitationFactory(claim=second)
    Verdict.objects.create(claim=second, rating=default_rating(), author=UserFactory())
    merged = editing.merge_claims([second, first], by=reviewer)
    assert merged.pk == first.pk
    assert (merged.start, merged.end) == (11, len(BODY) - 1)
    assert merged.quote == BODY[11:-1]
    assert set(merged.citations.values_list("source_id", flat=True)) == {
        shared.pk,
        only_second.source_id,
    }
    assert merged.verdicts.count() == 1
    assert not Claim.objects.filter(pk=second.pk).exists()


def test_merge_refuses_claims_of_different_articles(reviewer):
    """Claims of two articles cannot be merged."""
    with pytest.raises(editing.EditRefused, match="same article"):
        editing.merge_claims([ClaimFactory(), ClaimFactory()], by=reviewer)


def test_add_claim_from_browser_offsets(reviewer):
    """UTF-16 offsets from the browser become code-point offsets over the same words."""
    body = "🎉 Party: Seoul said 5 shells fell. Other words."
    article = ArticleFactory(body=body)
    quote = "Seoul said 5 shells fell."
    start_utf16 = len(body[: body.index(quote)].encode("utf-16-le")) // 2
    claim = editing.add_claim(
        article,
        by=reviewer,
        quote=quote,
        start_utf16=start_utf16,
        end_utf16=start_utf16 + len(quote),
    )
    assert body[claim.start : claim.end] == quote
    assert claim.start == body.index(quote)
    assert claim.origin == ClaimOrigin.MANUAL
    assert claim.status == ClaimStatus.ACCEPTED


def test_add_claim_refuses_offsets_that_do_not_match(reviewer):
    """Offsets that do not cover the quoted words are refused."""
    article = ArticleFactory(body="Seoul said 5 shells fell.")
    with pytest.raises(editing.EditRefused, match="not at that place"):
        editing.add_claim(article, by=reviewer, quote="shells", start_utf16=0, end_utf16=6)
    with pytest.raises(editing.EditRefused):
        editing.add_claim(article, by=reviewer, quote="shells", start_utf16=0, end_utf16=9999)


def test_add_claim_by_pasted_words_needs_them_once(reviewer):
    """Without offsets the words must appear exactly once in the article."""
    article = ArticleFactory(body="Yes said Park. Yes said Blinken.")
    with pytest.raises(editing.EditRefused, match="2 times"):
        editing.add_claim(article, by=reviewer, quote="Yes said")
    with pytest.raises(editing.EditRefused, match="not in the article"):
        editing.add_claim(article, by=reviewer, quote="No said")
    claim = editing.add_claim(article, by=reviewer, quote=" said Park.")
    assert claim.quote == "said Park."


def test_source_for_url_reuses_the_canonical_source():
    """A URL differing only in tracking, case or fragment reuses the library's source."""
    existing = SourceFactory(url="https://news.example/report?id=1")
    result = editing.source_for_url(
        canonical_url("HTTPS://NEWS.example:443/report?utm_source=x&id=1#top"), by=None
    )
    assert not result.created
    assert result.source == existing


def test_source_for_url_creates_with_publisher_from_domain():
    """A new URL becomes a source linked to the publisher of its domain."""
    domain = PublisherDomainFactory(domain="koreaherald.com")
    result = editing.source_for_url(
        canonical_url("https://www.koreaherald.com/view.php?ud=2"), by=None, title="Report"
    )
    assert result.created
    assert result.source.publisher == domain.publisher
    assert result.source.title == "Report"


def test_source_for_url_refuses_unsafe_urls():
    """A javascript: URL never becomes a source: canonical_url() refuses it where it enters,
    and source_for_url() takes nothing that did not pass there."""
    with pytest.raises(UnsafeURL):
        canonical_url("javascript:alert(1)")
    with pytest.raises(TypeError):
        editing.source_for_url("javascript:alert(1)", by=None)
    assert Source.objects.count() == 0


def test_cite_and_remove_with_undo(claim, reviewer):
    """A citation can be removed and put back from the undo data."""
    source = SourceFactory()
    citation = editing.cite_source(
        claim, by=reviewer, source=source, stance="supports", excerpt=" one million "
    )
    assert citation.excerpt == "one million"
    undo = editing.remove_citation(citation, by=reviewer)
    assert not Citation.objects.exists()
    editing.cite_source(
        claim,
        by=reviewer,
        source=Source.objects.get(pk=undo["source"]),
        stance=undo["stance"],
        excerpt=undo["excerpt"],
    )
    assert Citation.objects.get().excerpt == "one million"


def test_citing_a_source_twice_is_refused(claim, reviewer):
    """A claim cites a source once."""
    source = SourceFactory()
    editing.cite_source(claim, by=reviewer, source=source, stance="supports")
    with pytest.raises(editing.EditRefused, match="already cites"):
        editing.cite_source(claim, by=reviewer, source=source, stance="refutes")


def test_verdict_draft_created_then_updated_with_versions(claim, reviewer):
    """The first save creates a draft; later saves need the draft's version."""
    draft = editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("true"), reasoning="Because.", version=None
    )
    assert draft.version == 1
    updated = editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("false"), reasoning="No.", version=1
    )
    assert updated.pk == draft.pk
    assert updated.version == 2
    with pytest.raises(editing.EditConflict):
        editing.save_verdict_draft(
            claim, by=reviewer, rating=default_rating("true"), reasoning="Stale", version=1
        )
    assert Verdict.objects.get().reasoning == "No."


def test_comment_must_not_be_empty(claim, reviewer):
    """An empty comment is refused."""
    with pytest.raises(editing.EditRefused):
        editing.add_comment(claim, by=reviewer, body="   ")
    assert editing.add_comment(claim, by=reviewer, body=" Check NIS. ").body == "Check NIS."


def neighbour(claim):
    """Another claim of the same article, to merge with."""
    return Claim.objects.filter(article=claim.article).exclude(pk=claim.pk).first() or (
        ClaimFactory(article=claim.article, start=0, end=10)
    )


EDITS = {
    "edit_claim": lambda claim, by: editing.edit_claim(
        claim, by=by, version=claim.version, statement="New", claimant="", kind="other"
    ),
    "split_claim": lambda claim, by: editing.split_claim(
        claim, by=by, version=claim.version, at=claim.quote.index("and Hamas")
    ),
    "merge_claims": lambda claim, by: editing.merge_claims([claim, neighbour(claim)], by=by),
    "add_claim": lambda claim, by: editing.add_claim(claim.article, by=by, quote="Seoul said"),
    "cite_source": lambda claim, by: editing.cite_source(
        claim, by=by, source=SourceFactory(), stance="supports"
    ),
    "remove_citation": lambda claim, by: editing.remove_citation(
        CitationFactory(claim=claim), by=by
    ),
    "save_verdict_draft": lambda claim, by: editing.save_verdict_draft(
        claim, by=by, rating=default_rating(), reasoning="R", version=None
    ),
    "add_comment": lambda claim, by: editing.add_comment(claim, by=by, body="Hello"),
}


@pytest.mark.parametrize("name", EDITS)
def test_edits_refuse_a_user_without_a_role(claim, name):
    """Called directly, every edit refuses a user without a role and changes nothing."""
    before = Claim.objects.get(pk=claim.pk)
    with pytest.raises(NotAllowed):
        EDITS[name](claim, UserFactory())
    after = Claim.objects.get(pk=claim.pk)
    assert (after.statement, after.version) == (before.statement, before.version)
    assert not Verdict.objects.exists()
    assert not Comment.objects.exists()
    assert Claim.objects.count() <= 2  # the claim, and the one merge_claims made to ask


@pytest.mark.parametrize("name", sorted(set(EDITS) - {"add_claim", "add_comment"}))
def test_edits_refuse_someone_elses_claim_and_claims_in_review(claim, other_reviewer, name):
    """A reviewer may not edit a claim assigned to someone else, nor one in review."""
    Claim.objects.filter(pk=claim.pk).update(assignee=UserFactory(roles=["Reviewer"]))
    claim.refresh_from_db()
    with pytest.raises(NotAllowed, match="You may not change"):
        EDITS[name](claim, other_reviewer)
    Claim.objects.filter(pk=claim.pk).update(assignee=None, status=ClaimStatus.IN_REVIEW)
    claim.refresh_from_db()
    with pytest.raises((NotAllowed, editing.EditRefused)):
        EDITS[name](claim, other_reviewer)
    assert Claim.objects.get(pk=claim.pk).version == claim.version


@pytest.mark.parametrize("name", EDITS)
def test_edits_are_allowed_to_the_reviewer_working_on_the_claim(claim, reviewer, name):
    """The same calls succeed for a reviewer who may work on the claim."""
    EDITS[name](claim, reviewer)
