"""The row-set rules: what is published, what a user may see, what waits for a user, the
default scale's ratings. Views, feeds, the API, the exports and the badge rely on these."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from claims.models import (
    Claim,
    ClaimStatus,
    Desk,
    Rating,
    RatingScale,
    Verdict,
    VerdictState,
)
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, default_rating

pytestmark = pytest.mark.django_db


def verdict(claim, author=None, *, state=VerdictState.SUBMITTED, **fields) -> Verdict:
    if state == VerdictState.APPROVED:
        now = timezone.now()
        fields = {"approved_by": UserFactory(), "approved_at": now, "published_at": now} | fields
    fields = {"rating": default_rating(), "reasoning": "Because."} | fields
    return Verdict.objects.create(
        claim=claim, author=author or UserFactory(), state=state, **fields
    )


def claim_with_status(status) -> Claim:
    claim = ClaimFactory(article=ArticleFactory())
    Claim.objects.filter(pk=claim.pk).update(status=status)
    return claim


def cross_checking(on: bool) -> None:
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": on})


def test_a_published_claim_needs_a_published_verdict():
    published = claim_with_status(ClaimStatus.PUBLISHED)
    verdict(published, state=VerdictState.APPROVED)
    without_verdict = claim_with_status(ClaimStatus.PUBLISHED)
    approved_unpublished = claim_with_status(ClaimStatus.PUBLISHED)
    verdict(approved_unpublished, state=VerdictState.APPROVED, published_at=None)
    unpublished = claim_with_status(ClaimStatus.RESEARCHING)
    verdict(unpublished, state=VerdictState.APPROVED)  # a correction's old verdict
    assert list(Claim.objects.published()) == [published]
    assert without_verdict not in Claim.objects.published()


def test_public_verdicts_are_published_ones_of_published_claims():
    public_claim = claim_with_status(ClaimStatus.PUBLISHED)
    first = verdict(public_claim, state=VerdictState.APPROVED)
    correction = verdict(public_claim, state=VerdictState.APPROVED, correction_note="Fixed")
    verdict(public_claim)  # a correction waiting for approval
    withdrawn = claim_with_status(ClaimStatus.RESEARCHING)
    old = verdict(withdrawn, state=VerdictState.APPROVED)
    assert set(Verdict.objects.published()) == {first, correction, old}
    assert set(Verdict.objects.public()) == {first, correction}


@pytest.mark.parametrize("who", ["nobody", "anonymous", "no role"])
def test_outside_the_desk_only_public_rows_are_visible(who):
    user = {"nobody": None, "anonymous": AnonymousUser(), "no role": UserFactory()}[who]
    public_claim = claim_with_status(ClaimStatus.PUBLISHED)
    public = verdict(public_claim, state=VerdictState.APPROVED)
    verdict(claim_with_status(ClaimStatus.IN_REVIEW))
    assert list(Verdict.objects.visible_to(user)) == [public]
    assert list(Claim.objects.visible_to(user)) == [public_claim]


def test_desk_members_see_every_row_when_cross_checking_is_off(reviewer, editor):
    cross_checking(False)
    submitted = verdict(claim_with_status(ClaimStatus.IN_REVIEW))
    for user in (reviewer, editor):
        assert list(Verdict.objects.visible_to(user)) == [submitted]
        assert Claim.objects.visible_to(user).count() == 1


def test_a_cross_checker_sees_no_verdict_of_the_claim_until_they_rated(reviewer, editor):
    """Blind: the submitted verdict and the claim's earlier ones are hidden from every
    reviewer but its author, until someone has cross-checked it. Editors do not cross-check:
    they see it to approve it."""
    cross_checking(True)
    claim = claim_with_status(ClaimStatus.IN_REVIEW)
    earlier = verdict(claim, reviewer, state=VerdictState.RETURNED)
    pending = verdict(claim, reviewer)
    elsewhere = verdict(claim_with_status(ClaimStatus.IN_REVIEW), reviewer, cross_checked_by=editor)
    other = UserFactory(roles=["Reviewer"])
    assert set(Verdict.objects.visible_to(reviewer)) == {earlier, pending, elsewhere}
    assert list(Verdict.objects.visible_to(other)) == [elsewhere]
    assert set(Verdict.objects.visible_to(editor)) == {earlier, pending, elsewhere}
    Verdict.objects.filter(pk=pending.pk).update(cross_checked_by=other)
    assert set(Verdict.objects.visible_to(other)) == {earlier, pending, elsewhere}


def test_the_current_verdict_is_the_latest_one_the_user_may_see(reviewer, other_reviewer):
    cross_checking(True)
    claim = claim_with_status(ClaimStatus.IN_REVIEW)
    verdict(claim, reviewer, rating=default_rating("false"))
    for user, slug in ((reviewer, "false"), (other_reviewer, None), (None, "false")):
        annotated = Claim.objects.with_current_verdict(user).get(pk=claim.pk)
        assert annotated.verdict_slug == slug


def test_awaiting_a_reviewer_are_the_cross_checks_of_others(reviewer, other_reviewer):
    claim = claim_with_status(ClaimStatus.IN_REVIEW)
    theirs = verdict(claim, other_reviewer)
    verdict(claim_with_status(ClaimStatus.IN_REVIEW), reviewer)
    verdict(claim_with_status(ClaimStatus.IN_REVIEW), cross_checked_by=other_reviewer)
    cross_checking(False)
    assert list(Verdict.objects.awaiting(reviewer)) == []
    cross_checking(True)
    assert list(Verdict.objects.awaiting(reviewer)) == [theirs]


def test_awaiting_an_editor_are_the_verdicts_ready_for_approval(editor, reviewer):
    ready = verdict(claim_with_status(ClaimStatus.IN_REVIEW), reviewer, cross_checked_by=editor)
    unchecked = verdict(claim_with_status(ClaimStatus.IN_REVIEW), reviewer)
    verdict(claim_with_status(ClaimStatus.IN_REVIEW), editor)
    verdict(claim_with_status(ClaimStatus.RESEARCHING), reviewer, state=VerdictState.DRAFT)
    cross_checking(False)
    assert set(Verdict.objects.awaiting(editor)) == {ready, unchecked}
    cross_checking(True)
    assert list(Verdict.objects.awaiting(editor)) == [ready]
    assert list(Verdict.objects.awaiting_approval()) == [ready]


def test_nothing_awaits_someone_outside_the_desk():
    cross_checking(True)
    verdict(claim_with_status(ClaimStatus.IN_REVIEW))
    assert not Verdict.objects.awaiting(UserFactory()).exists()


def test_researched_by_is_assigned_and_being_researched(reviewer, other_reviewer):
    mine = claim_with_status(ClaimStatus.RESEARCHING)
    Claim.objects.filter(pk=mine.pk).update(assignee=reviewer)
    submitted = claim_with_status(ClaimStatus.IN_REVIEW)
    Claim.objects.filter(pk=submitted.pk).update(assignee=reviewer)
    theirs = claim_with_status(ClaimStatus.RESEARCHING)
    Claim.objects.filter(pk=theirs.pk).update(assignee=other_reviewer)
    assert list(Claim.objects.researched_by(reviewer)) == [mine]


def test_the_default_scale_is_the_one_marked_default():
    default = RatingScale.objects.get(is_default=True)
    other = RatingScale.objects.create(name="Other desk")
    Rating.objects.create(scale=other, label="Pants on fire", slug="pants")
    assert set(Rating.objects.default_scale()) == set(default.ratings.all())
    assert Rating.objects.default_scale().count() == 7
    RatingScale.objects.filter(pk=default.pk).update(is_default=False)
    RatingScale.objects.filter(pk=other.pk).update(is_default=True)
    assert [r.slug for r in Rating.objects.default_scale()] == ["pants"]


SITUATIONS = {
    "submitted": [{"state": VerdictState.SUBMITTED}],
    "cross-checked": [{"state": VerdictState.SUBMITTED, "cross_checked": True}],
    "draft": [{"state": VerdictState.DRAFT}],
    "correction": [{"state": VerdictState.APPROVED}, {"state": VerdictState.SUBMITTED}],
    "returned": [{"state": VerdictState.RETURNED}],
}


@pytest.mark.parametrize("on", [True, False])
@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("who", ["author", "other reviewer", "editor", "no role"])
def test_blind_is_exactly_when_the_panel_offers_a_cross_check(on, situation, who):
    """The rule the claim panel shows buttons by (a cross-check to take) and the blind
    flag of with_current_verdict(user) agree in every situation."""
    from claims import workflow

    cross_checking(on)
    author = UserFactory(roles=["Reviewer"])
    user = {
        "author": author,
        "other reviewer": UserFactory(roles=["Reviewer"]),
        "editor": UserFactory(roles=["Editor"]),
        "no role": UserFactory(),
    }[who]
    status = ClaimStatus.PUBLISHED if situation == "correction" else ClaimStatus.IN_REVIEW
    claim = claim_with_status(status)
    for fields in SITUATIONS[situation]:
        checked = {"cross_checked_by": UserFactory()} if fields.get("cross_checked") else {}
        verdict(claim, author, state=fields["state"], **checked)
    annotated = Claim.objects.with_current_verdict(user).get(pk=claim.pk)
    verdicts = list(annotated.verdicts.all())
    offered = workflow.available_transitions(user, annotated, verdicts, Desk.current())
    assert annotated.blind == ("cross_check" in offered)
    if who != "no role":  # outside the desk only public verdicts show, blind or not
        sees_some = Verdict.objects.visible_to(user).filter(claim=claim).exists()
        assert sees_some == (not annotated.blind)
