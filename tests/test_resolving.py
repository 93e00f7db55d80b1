"""Resolving a claim a revision flagged: re-anchored on words selected in the new text (the
rules of adding a claim), kept on the version it was checked on (published claims), or
dismissed through the workflow; each checked on `by` and recorded in the history."""

import pytest
from django.contrib.auth.models import AnonymousUser

from claims import resolving
from claims.anchoring import text_hash
from claims.editing import EditConflict, EditRefused
from claims.models import Claim, ClaimStatus
from claims.permissions import NotAllowed
from claims.revisions import Outcome, revise_article
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST = "Seoul said one million rounds went north.\nPark said it was far too low.\nEnd."
NEW = FIRST.replace("one million", "half a million") + "\nÉté: 🙂 more later."
WORDS = "half a million rounds"


@pytest.fixture
def article():
    return ArticleFactory(body=FIRST)


@pytest.fixture
def flagged(article):
    """'one million rounds', flagged once the article reads 'half a million rounds'."""
    claim = ClaimFactory(article=article, start=11, end=29)
    ClaimFactory(article=article, start=42, end=71)  # "Park said it was far too low."
    revise_article(article, body=NEW)
    claim.refresh_from_db()
    assert claim.is_flagged
    return claim


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_a_flagged_claim_is_reanchored_on_the_words_selected(flagged, reviewer):
    """Browser offsets (UTF-16) on the new text: the claim is found there, no longer
    flagged, its quote selector and text hash those of the new text; history names `by`."""
    start = NEW.index(WORDS)
    version = flagged.version
    claim = resolving.reanchor(
        flagged,
        by=reviewer,
        version=version,
        quote=WORDS,
        start_utf16=utf16(NEW, start),
        end_utf16=utf16(NEW, start + len(WORDS)),
    )
    claim.refresh_from_db()
    assert (claim.start, claim.end, claim.quote) == (start, start + len(WORDS), WORDS)
    assert claim.prefix.endswith("Seoul said ")
    assert claim.anchor_hash == text_hash(NEW)
    assert not claim.is_orphaned
    assert not claim.is_flagged
    assert claim.version == version + 1
    record = claim.history.first()
    assert record.history_user == reviewer
    assert record.history_change_reason == "Re-anchored in the new version"


def test_offsets_after_characters_outside_the_bmp_are_converted(flagged, reviewer):
    """An emoji counts two UTF-16 units in the browser and one code point here."""
    start = NEW.index("more later")
    claim = resolving.reanchor(
        flagged,
        by=reviewer,
        version=flagged.version,
        quote="more later",
        start_utf16=utf16(NEW, start),
        end_utf16=utf16(NEW, start) + len("more later"),
    )
    assert NEW[claim.start : claim.end] == "more later"


def test_words_pasted_without_offsets_are_found_once(flagged, reviewer):
    claim = resolving.reanchor(flagged, by=reviewer, version=flagged.version, quote=WORDS)
    assert NEW[claim.start : claim.end] == WORDS


@pytest.mark.parametrize(
    ("quote", "start", "end", "message"),
    [
        ("", None, None, "Select the words"),
        ("one million rounds", None, None, "not in the article"),
        (WORDS, 0, len(WORDS), "not at that place"),
        (WORDS, 10_000, 10_021, "does not fit"),
        ("Park said it was far too low.", None, None, "Another claim already covers"),
    ],
)
def test_a_bad_span_is_refused_and_changes_nothing(flagged, reviewer, quote, start, end, message):
    """Words not in the text, offsets elsewhere or outside it, another claim's exact words."""
    with pytest.raises(EditRefused, match=message):
        resolving.reanchor(
            flagged,
            by=reviewer,
            version=flagged.version,
            quote=quote,
            start_utf16=start,
            end_utf16=end,
        )
    claim = Claim.objects.get(pk=flagged.pk)
    assert claim.is_flagged
    assert (claim.start, claim.end, claim.version) == (flagged.start, flagged.end, flagged.version)


def test_reanchoring_is_refused_to_others_and_for_a_verdict_checked_claim(flagged, reviewer):
    """Nobody, a reader, a reviewer the claim is not assigned to; a published claim."""
    Claim.objects.filter(pk=flagged.pk).update(assignee=reviewer)
    flagged.refresh_from_db()
    for user in (
        None,
        AnonymousUser(),
        UserFactory(username="reader"),
        UserFactory(username="otto", roles=["Reviewer"]),
    ):
        with pytest.raises(NotAllowed, match="You may not change this claim"):
            resolving.reanchor(flagged, by=user, version=flagged.version, quote=WORDS)
    Claim.objects.filter(pk=flagged.pk).update(status=ClaimStatus.PUBLISHED)
    flagged.refresh_from_db()
    with pytest.raises(NotAllowed, match="keep a published claim on its version"):
        resolving.reanchor(flagged, by=reviewer, version=flagged.version, quote=WORDS)
    assert Claim.objects.get(pk=flagged.pk).is_flagged


def test_a_claim_not_flagged_has_nothing_to_resolve(article, reviewer):
    claim = ClaimFactory(article=article, start=11, end=29)
    with pytest.raises(NotAllowed, match="not flagged"):
        resolving.reanchor(claim, by=reviewer, version=claim.version, quote="rounds")


def test_a_stale_form_is_a_conflict(flagged, reviewer):
    with pytest.raises(EditConflict):
        resolving.reanchor(flagged, by=reviewer, version=flagged.version - 1, quote=WORDS)


def test_a_published_claim_is_kept_on_its_version_and_stays_so(flagged, reviewer, article):
    """Kept: still on its version's words, no longer flagged, and a later revision that
    still lacks its words leaves it kept instead of flagging it again."""
    Claim.objects.filter(pk=flagged.pk).update(status=ClaimStatus.PUBLISHED)
    flagged.refresh_from_db()
    claim = resolving.keep_on_version(flagged, by=reviewer, version=flagged.version)
    claim.refresh_from_db()
    assert claim.is_orphaned
    assert not claim.is_flagged
    assert (claim.quote, claim.anchor_hash) == ("one million rounds", text_hash(FIRST))
    assert claim.history.first().history_user == reviewer
    _, outcomes = revise_article(article, body=NEW + "\nAnother line.")
    assert {o.claim.pk: o.outcome for o in outcomes}[claim.pk] == Outcome.KEPT
    claim.refresh_from_db()
    assert not claim.is_flagged


def test_only_a_published_claim_is_kept_and_only_by_those_who_work_on_it(flagged, reviewer):
    with pytest.raises(NotAllowed, match="Only a published claim"):
        resolving.keep_on_version(flagged, by=reviewer, version=flagged.version)
    Claim.objects.filter(pk=flagged.pk).update(
        status=ClaimStatus.PUBLISHED, assignee=UserFactory(username="otto", roles=["Reviewer"])
    )
    flagged.refresh_from_db()
    for user in (None, UserFactory(username="reader"), reviewer):
        with pytest.raises(NotAllowed, match="You may not change this claim"):
            resolving.keep_on_version(flagged, by=user, version=flagged.version)
    assert Claim.objects.get(pk=flagged.pk).is_flagged


def test_a_flagged_claim_is_dismissed_through_the_workflow(flagged, reviewer):
    """With a reason: dismissed, no longer flagged; without one, refused."""
    with pytest.raises(NotAllowed, match="Give a reason"):
        resolving.dismiss_flagged(flagged, by=reviewer, version=flagged.version, reason=" ")
    claim = resolving.dismiss_flagged(
        flagged, by=reviewer, version=flagged.version, reason="gone from the article"
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED
    assert claim.dismissal_reason == "gone from the article"
    assert not claim.is_flagged
    assert {r.history_user for r in claim.history.all()[:2]} == {reviewer}


def test_the_workflow_decides_who_may_dismiss(flagged, reviewer):
    """A claim being researched is not dismissed (the workflow's rule); a reader never."""
    with pytest.raises(NotAllowed):
        resolving.dismiss_flagged(
            flagged, by=UserFactory(username="reader"), version=flagged.version, reason="x"
        )
    Claim.objects.filter(pk=flagged.pk).update(status=ClaimStatus.RESEARCHING, assignee=reviewer)
    flagged.refresh_from_db()
    with pytest.raises(NotAllowed, match="Only detected or accepted claims can be dismissed"):
        resolving.dismiss_flagged(flagged, by=reviewer, version=flagged.version, reason="x")
    assert Claim.objects.get(pk=flagged.pk).status == ClaimStatus.RESEARCHING


def test_a_claim_already_dismissed_is_left_dismissed(flagged, reviewer):
    Claim.objects.filter(pk=flagged.pk).update(
        status=ClaimStatus.DISMISSED, dismissal_reason="opinion"
    )
    flagged.refresh_from_db()
    claim = resolving.dismiss_flagged(flagged, by=reviewer, version=flagged.version)
    assert (claim.status, claim.dismissal_reason, claim.is_flagged) == (
        "dismissed",
        "opinion",
        False,
    )


def test_the_ways_offered_are_those_the_functions_allow(flagged, reviewer):
    """refusals() is what the screen shows: the same rules the functions check."""
    assert resolving.refusals(reviewer, flagged) == {
        "reanchor": "",
        "keep": "Only a published claim is kept on the version it was checked on.",
        "dismiss": "",
    }
    assert all(resolving.refusals(UserFactory(username="reader"), flagged).values())
