"""Article revisions: every version kept, claims re-anchored by their quote selector or
flagged for a reviewer (unchanged, moved, edited, deleted, ambiguous), what changed."""

import pytest

from claims.anchoring import text_hash
from claims.highlighting import text_segments
from claims.models import ArticleVersion, Claim
from claims.revisions import Outcome, RevisionRefused, revise_article, text_changes
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST = (
    "Seoul said North Korea sent one million rounds to Russia.\n"
    "Park said the figure was far too low.\n"
    "The talks ended on Friday."
)


def claim_on(article, words: str) -> Claim:
    start = article.body.index(words)
    return ClaimFactory(article=article, start=start, end=start + len(words))


@pytest.fixture
def article():
    return ArticleFactory(body=FIRST)


def outcomes_by_claim(outcomes) -> dict[int, Outcome]:
    return {o.claim.pk: o.outcome for o in outcomes}


def test_a_claim_before_any_change_keeps_its_span(article):
    """Unchanged: a claim ahead of the edit keeps its offsets in the new version."""
    claim = claim_on(article, "one million rounds")
    version, outcomes = revise_article(article, body=FIRST + "\nMore later.")
    claim.refresh_from_db()
    assert outcomes_by_claim(outcomes) == {claim.pk: Outcome.UNCHANGED}
    assert (claim.start, claim.end) == (FIRST.index("one million"), FIRST.index(" to Russia"))
    assert claim.anchor_hash == version.body_hash == text_hash(FIRST + "\nMore later.")
    assert not claim.is_orphaned


def test_a_claim_whose_words_moved_follows_them(article):
    """Moved: text added before a claim shifts it onto the same words."""
    claim = claim_on(article, "Park said the figure was far too low.")
    new = "Update: the ministry replied.\n" + FIRST
    _, outcomes = revise_article(article, body=new)
    claim.refresh_from_db()
    assert outcomes_by_claim(outcomes) == {claim.pk: Outcome.MOVED}
    assert new[claim.start : claim.end] == "Park said the figure was far too low."
    assert not claim.is_orphaned
    assert claim.version == 2


def test_a_claim_whose_words_were_edited_is_flagged_not_moved(article):
    """Edited: the claim is orphaned with the quote and span it had; nothing is guessed."""
    claim = claim_on(article, "one million rounds")
    old_span, old_hash = (claim.start, claim.end), claim.anchor_hash
    new = FIRST.replace("one million rounds", "half a million rounds")
    _, outcomes = revise_article(article, body=new)
    claim.refresh_from_db()
    assert outcomes_by_claim(outcomes) == {claim.pk: Outcome.EDITED}
    assert claim.is_orphaned
    assert claim.quote == "one million rounds"
    assert (claim.start, claim.end, claim.anchor_hash) == (*old_span, old_hash)


def test_a_claim_whose_paragraph_was_deleted_is_flagged(article):
    """Deleted: the claim's paragraph is gone; the claim says so and is orphaned."""
    claim = claim_on(article, "Park said the figure was far too low.")
    new = FIRST.replace("Park said the figure was far too low.\n", "")
    _, outcomes = revise_article(article, body=new)
    claim.refresh_from_db()
    assert outcomes_by_claim(outcomes) == {claim.pk: Outcome.DELETED}
    assert claim.is_orphaned


def test_a_claim_edited_while_another_paragraph_moved_past_it_is_edited_not_deleted(article):
    """The paragraph diff deletes an edited paragraph that another moved past, and pairs a
    deleted one with a paragraph that took its place: what a paragraph resembles in the
    new text decides, edited (a similar one) or removed (none)."""
    edited = claim_on(article, "one million rounds")
    park = claim_on(article, "Park said the figure was far too low.")
    lines = FIRST.split("\n")
    new = "\n".join([lines[2], lines[0].replace("one million", "a million")])
    _, outcomes = revise_article(article, body=new)
    assert outcomes_by_claim(outcomes) == {edited.pk: Outcome.EDITED, park.pk: Outcome.DELETED}


def test_a_claim_whose_paragraph_another_took_the_place_of_is_deleted(article):
    """A paragraph replaced by an unrelated one is removed, as "What changed" shows it."""
    park = claim_on(article, "Park said the figure was far too low.")
    new = FIRST.replace("Park said the figure was far too low.", "Kim left for Tokyo at dawn.")
    _, outcomes = revise_article(article, body=new)
    assert outcomes_by_claim(outcomes) == {park.pk: Outcome.DELETED}


def test_a_quote_now_found_twice_without_telling_context_is_flagged(article):
    """Ambiguous: the words now appear twice and their context matches neither."""
    claim = claim_on(article, "The talks ended on Friday.")
    new = "Intro.\nThe talks ended on Friday.\nMiddle.\nThe talks ended on Friday.\nEnd."
    _, outcomes = revise_article(article, body=new)
    claim.refresh_from_db()
    assert outcomes_by_claim(outcomes) == {claim.pk: Outcome.AMBIGUOUS}
    assert claim.is_orphaned


def test_two_claims_found_on_one_span_are_both_flagged():
    """Two claims on repeated words that become one occurrence: neither is attached."""
    article = ArticleFactory(body="Rounds: one million.\nAgain: one million.\nEnd.")
    first = ClaimFactory(article=article, start=8, end=19)
    second_start = article.body.index("one million", 20)
    second = ClaimFactory(article=article, start=second_start, end=second_start + 11)
    _, outcomes = revise_article(article, body="Now: one million.\nEnd.")
    assert set(outcomes_by_claim(outcomes).values()) == {Outcome.AMBIGUOUS}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_orphaned
    assert second.is_orphaned


def test_an_orphan_keeps_its_span_beside_a_claim_that_moved_onto_it(article):
    """An orphaned claim's span counts in its own version: a claim moving onto the same
    offsets in the new text does not collide with it."""
    first = claim_on(article, "Seoul said North Korea sent one million rounds to Russia.")
    second = ClaimFactory(article=article, start=58, end=95)
    assert article.body[58:95] == "Park said the figure was far too low."
    new = "Park said the figure was far too low.\nThe talks ended on Friday."
    revise_article(article, body=new)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_orphaned
    assert (first.start, first.end) == (0, 57)
    assert not second.is_orphaned
    assert (second.start, second.end) == (0, 37)


def test_an_orphan_is_found_again_when_its_words_come_back(article):
    """A later version restoring the words anchors the orphaned claim again."""
    claim = claim_on(article, "one million rounds")
    revise_article(article, body=FIRST.replace("one million", "many"))
    article.refresh_from_db()
    _, outcomes = revise_article(article, body=FIRST + "\nCorrected.")
    claim.refresh_from_db()
    assert outcomes_by_claim(outcomes) == {claim.pk: Outcome.FOUND_AGAIN}
    assert not claim.is_orphaned
    assert (FIRST + "\nCorrected.")[claim.start : claim.end] == "one million rounds"


def test_every_version_is_kept_with_who_and_what(article):
    """Each revision adds a numbered version with its text, hash, author and outcomes;
    the article's body is the latest."""
    reviewer = UserFactory()
    claim = claim_on(article, "one million rounds")
    revise_article(article, body=FIRST + "\nTwo.", by=reviewer)
    article.refresh_from_db()
    revise_article(article, body="Park said nothing.", by=reviewer)
    article.refresh_from_db()
    versions = list(article.versions.all())
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.body for v in versions] == [FIRST, FIRST + "\nTwo.", "Park said nothing."]
    assert versions[2].created_by == reviewer
    assert versions[2].claim_outcomes == [
        {"claim": claim.pk, "outcome": "deleted", "quote": "one million rounds"}
    ]
    assert article.body == "Park said nothing."
    assert article.body_hash == versions[2].body_hash


def test_each_reanchored_claim_has_a_history_record(article):
    """The history of a claim says the article's new version changed it."""
    claim = claim_on(article, "one million rounds")
    reviewer = UserFactory()
    revise_article(article, body="New: " + FIRST, by=reviewer)
    record = claim.history.latest("history_date")
    assert record.history_change_reason == "Article version 2"
    assert record.history_user == reviewer
    assert record.start == claim.start + 5


@pytest.mark.parametrize(
    ("body", "message"),
    [(FIRST, "current text"), ("   ", "empty"), ("bad\x00text", "control characters")],
)
def test_a_new_text_that_changes_nothing_or_is_no_text_is_refused(article, body, message):
    """The same text, an empty one or a binary one is refused and nothing is written."""
    claim_on(article, "one million rounds")
    with pytest.raises(RevisionRefused, match=message):
        revise_article(article, body=body)
    assert ArticleVersion.objects.filter(article=article).count() == 1
    assert not Claim.objects.filter(is_orphaned=True).exists()


def test_another_articles_text_is_refused(article):
    """A text that is already another article cannot become this one's version."""
    other = ArticleFactory(body="Another article's text.")
    with pytest.raises(RevisionRefused, match=other.title):
        revise_article(article, body="Another article's text.")


def test_orphaned_claims_are_not_marked_in_the_new_text(article):
    """The workspace does not mark an orphan's old span over the new text's words."""
    claim = claim_on(article, "one million rounds")
    revise_article(article, body=FIRST.replace("one million rounds", "many shells in all"))
    article.refresh_from_db()
    claim.refresh_from_db()
    assert all(not segment.claims for segment in text_segments(article.body, [claim]))


def test_what_changed_is_shown_paragraph_by_paragraph_and_word_by_word():
    """Kept paragraphs are counted; a changed one shows its removed and added words; a
    rewritten one is removed and its replacement added."""
    new = FIRST.replace("one million", "half a million").replace(
        "The talks ended on Friday.", "Added at the end."
    )
    changes = text_changes(FIRST, new + "\nA new paragraph.")
    kinds = [change.kind for change in changes]
    assert kinds == ["changed", "same", "removed", "added", "added"]
    assert ("removed", "one") in changes[0].words
    assert ("added", "half a") in changes[0].words
    assert changes[1].count == 1
    assert (changes[2].old, changes[3].new) == ("The talks ended on Friday.", "Added at the end.")
    assert changes[4].new == "A new paragraph."
    inserted = "A new first paragraph.\n" + FIRST.replace("one million", "two million")
    assert [c.kind for c in text_changes(FIRST, inserted)] == ["added", "changed", "same"]
    assert [c.kind for c in text_changes(FIRST, FIRST.replace("Park said", "X\nPark said"))] == [
        "same",
        "added",
        "same",
    ]
