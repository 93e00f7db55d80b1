"""The claim workflow: every transition from every status, roles, gates and corrections."""

import pytest
from django.utils import timezone

from claims import editing, workflow
from claims.models import Claim, ClaimStatus, Desk, SourceKind, Verdict, VerdictState
from claims.timeline import claim_timeline
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    SourceFactory,
    UserFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db


def well_sourced(claim):
    """Citations meeting every evidence check: two publishers, one primary source."""
    CitationFactory(claim=claim, source=SourceFactory(kind=SourceKind.PRIMARY))
    CitationFactory(claim=claim, source=SourceFactory())


def claim_in(status, *, assignee=None, author=None):
    """A claim in the given status, with the verdicts that status implies."""
    claim = ClaimFactory(article=ArticleFactory(), status=ClaimStatus.ACCEPTED)
    fields = {"status": status}
    if status == ClaimStatus.DISMISSED:
        fields["dismissal_reason"] = "Opinion"
    if status in (ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED):
        fields["assignee"] = assignee
    Claim.objects.filter(pk=claim.pk).update(**fields)
    if author is not None and status == ClaimStatus.RESEARCHING:
        Verdict.objects.create(claim=claim, rating=default_rating(), author=author, reasoning="R")
    if status == ClaimStatus.IN_REVIEW:
        Verdict.objects.create(
            claim=claim,
            rating=default_rating(),
            author=author,
            reasoning="R",
            state=VerdictState.SUBMITTED,
            submitted_at=timezone.now(),
        )
    if status == ClaimStatus.PUBLISHED:
        Verdict.objects.create(
            claim=claim,
            rating=default_rating(),
            author=author,
            reasoning="R",
            state=VerdictState.APPROVED,
            approved_by=UserFactory(),
            approved_at=timezone.now(),
            published_at=timezone.now(),
        )
    well_sourced(claim)
    claim.refresh_from_db()
    return claim


TRANSITIONS = {
    "accept": lambda c, r, e: workflow.accept(c, by=r),
    "dismiss": lambda c, r, e: workflow.dismiss(c, by=r, reason="Not checkable"),
    "assign": lambda c, r, e: workflow.assign(c, by=e, to=r),
    "release": lambda c, r, e: workflow.release(c, by=r),
    "submit": lambda c, r, e: workflow.submit_for_review(c, by=r),
    "approve": lambda c, r, e: workflow.approve(c, by=e),
    "send_back": lambda c, r, e: workflow.send_back(c, by=e, note="Check the NIS figure"),
    "correct": lambda c, r, e: workflow.correct(
        c, by=r, rating=default_rating("mostly-true"), reasoning="New facts", note="NIS update"
    ),
}

# (transition, from status) -> resulting status; every pair not listed is illegal.
ALLOWED = {
    ("accept", ClaimStatus.DETECTED): ClaimStatus.ACCEPTED,
    ("accept", ClaimStatus.DISMISSED): ClaimStatus.ACCEPTED,
    ("dismiss", ClaimStatus.DETECTED): ClaimStatus.DISMISSED,
    ("dismiss", ClaimStatus.ACCEPTED): ClaimStatus.DISMISSED,
    ("assign", ClaimStatus.DETECTED): ClaimStatus.RESEARCHING,
    ("assign", ClaimStatus.ACCEPTED): ClaimStatus.RESEARCHING,
    ("assign", ClaimStatus.RESEARCHING): ClaimStatus.RESEARCHING,
    ("release", ClaimStatus.RESEARCHING): ClaimStatus.ACCEPTED,
    ("submit", ClaimStatus.RESEARCHING): ClaimStatus.IN_REVIEW,
    ("approve", ClaimStatus.IN_REVIEW): ClaimStatus.PUBLISHED,
    ("send_back", ClaimStatus.IN_REVIEW): ClaimStatus.RESEARCHING,
    ("correct", ClaimStatus.PUBLISHED): ClaimStatus.PUBLISHED,
}


@pytest.mark.parametrize("status", ClaimStatus.values)
@pytest.mark.parametrize("name", TRANSITIONS)
def test_every_transition_from_every_status(name, status, reviewer, editor):
    """Allowed transitions change the status and are recorded; illegal ones change nothing."""
    claim = claim_in(status, assignee=reviewer, author=reviewer)
    history_before = claim.history.count()
    expected = ALLOWED.get((name, status))
    if expected is None:
        with pytest.raises(workflow.TransitionRefused):
            TRANSITIONS[name](claim, reviewer, editor)
        after = Claim.objects.get(pk=claim.pk)
        assert (after.status, after.version) == (claim.status, claim.version)
        assert claim.history.count() == history_before
    else:
        TRANSITIONS[name](claim, reviewer, editor)
        after = Claim.objects.get(pk=claim.pk)
        assert after.status == expected
        assert claim.history.count() > history_before
        latest = claim.history.first()
        assert latest.history_user in (reviewer, editor)


def test_carry_a_claim_from_detected_to_published_and_correct_it(reviewer, editor):
    """The demo flow: triage, assign, research, submit, approve, correct, approve again."""
    claim = ClaimFactory(status=ClaimStatus.DETECTED)
    well_sourced(claim)
    workflow.accept(claim, by=reviewer)
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("true"), reasoning="NIS says so.", version=None
    )
    workflow.submit_for_review(claim, by=reviewer)
    first = workflow.approve(claim, by=editor)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    assert (first.approved_by, first.state) == (editor, VerdictState.APPROVED)
    assert first.published_at is not None
    correction = workflow.correct(
        claim, by=reviewer, rating=default_rating("mostly-true"), reasoning="More", note="Fix"
    )
    workflow.approve(claim, by=editor)
    correction.refresh_from_db()
    first.refresh_from_db()
    assert correction.state == VerdictState.APPROVED
    assert correction.correction_note == "Fix"
    assert first.state == VerdictState.APPROVED  # the old verdict stays in the record
    steps = [(event.who, event.action, event.subject) for event in claim_timeline(claim)]
    assert ("edna", "changed", "Claim") in steps
    assert ("rita", "created", "Verdict “Mostly true”") in steps


def test_editor_cannot_approve_their_own_verdict(editor):
    """An editor who wrote the verdict cannot approve it."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=editor, author=editor)
    with pytest.raises(workflow.TransitionRefused, match="you wrote"):
        workflow.approve(claim, by=editor)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


def test_reviewers_cannot_approve_or_send_back(reviewer, other_reviewer):
    """Only editors approve or send back."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    with pytest.raises(workflow.TransitionRefused, match="Only editors"):
        workflow.approve(claim, by=other_reviewer)
    with pytest.raises(workflow.TransitionRefused, match="Only editors"):
        workflow.send_back(claim, by=other_reviewer, note="No")


def test_send_back_needs_a_comment_and_records_it(reviewer, editor):
    """Sending back requires a comment, which the reviewer sees as a comment and a note."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    with pytest.raises(workflow.TransitionRefused):
        workflow.send_back(claim, by=editor, note="  ")
    verdict = workflow.send_back(claim, by=editor, note="Find the NIS briefing")
    assert verdict.state == VerdictState.RETURNED
    assert verdict.review_note == "Find the NIS briefing"
    assert claim.comments.get().body == "Sent back: Find the NIS briefing"


def test_reviewer_self_assigns_only_unassigned_claims(reviewer, other_reviewer, editor):
    """A reviewer takes an unassigned claim, not someone else's; editors assign anyone."""
    claim = claim_in(ClaimStatus.ACCEPTED)
    workflow.take(claim, by=reviewer)
    with pytest.raises(workflow.TransitionRefused):
        workflow.take(claim, by=other_reviewer)
    with pytest.raises(workflow.TransitionRefused):
        workflow.assign(claim, by=reviewer, to=other_reviewer)
    workflow.assign(claim, by=editor, to=other_reviewer)
    assert Claim.objects.get(pk=claim.pk).assignee == other_reviewer


def test_only_the_assignee_submits(reviewer, other_reviewer):
    """Someone other than the assignee cannot submit the claim's verdict."""
    claim = claim_in(ClaimStatus.RESEARCHING, assignee=reviewer, author=reviewer)
    with pytest.raises(workflow.TransitionRefused, match="assignee"):
        workflow.submit_for_review(claim, by=other_reviewer)


def test_submitting_needs_a_draft_with_reasoning(reviewer):
    """A claim without a draft verdict, or with no reasoning, cannot be submitted."""
    claim = claim_in(ClaimStatus.RESEARCHING, assignee=reviewer)
    with pytest.raises(workflow.TransitionRefused, match="draft"):
        workflow.submit_for_review(claim, by=reviewer)
    Verdict.objects.create(claim=claim, rating=default_rating(), author=reviewer, reasoning=" ")
    with pytest.raises(workflow.TransitionRefused, match="Explain"):
        workflow.submit_for_review(claim, by=reviewer)


def test_unmet_evidence_blocks_approval_unless_overridden(reviewer, editor):
    """Without two publishers and a primary source, approval needs an override reason."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    claim.citations.all().delete()
    CitationFactory(claim=claim)
    with pytest.raises(workflow.TransitionRefused, match="Evidence checks not met"):
        workflow.approve(claim, by=editor)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW
    verdict = workflow.approve(claim, by=editor, override_reason="Official transcript pending")
    assert verdict.override_reason == "Official transcript pending"


def test_doubtful_publisher_needs_justification(reviewer, editor):
    """A deprecated publisher blocks approval unless the reasoning names it."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    kcna = PublisherFactory(name="KCNA", reliability="deprecated")
    CitationFactory(claim=claim, source=SourceFactory(publisher=kcna))
    with pytest.raises(workflow.TransitionRefused, match="KCNA"):
        workflow.approve(claim, by=editor)
    Verdict.objects.filter(claim=claim).update(reasoning="KCNA is cited for Pyongyang's denial.")
    workflow.approve(claim, by=editor)


def test_cross_check_matching_ratings_go_to_the_editor(reviewer, other_reviewer, editor):
    """With cross-checking on, a matching blind rating lets the editor approve."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    with pytest.raises(workflow.TransitionRefused, match="cross-check"):
        workflow.approve(claim, by=editor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.cross_check(claim, by=reviewer, rating=default_rating())
    workflow.cross_check(claim, by=other_reviewer, rating=default_rating())
    workflow.approve(claim, by=editor)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PUBLISHED


def test_cross_check_differing_ratings_go_back_with_both(reviewer, other_reviewer):
    """A differing blind rating returns the claim to its reviewer with both ratings."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    verdict = workflow.cross_check(claim, by=other_reviewer, rating=default_rating("false"))
    assert verdict.state == VerdictState.RETURNED
    assert "“False”" in verdict.review_note
    assert "“True”" in verdict.review_note
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.RESEARCHING


def test_correction_needs_a_note(reviewer):
    """Changing a published verdict requires a correction note."""
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    with pytest.raises(workflow.TransitionRefused, match="note"):
        workflow.correct(claim, by=reviewer, rating=default_rating(), reasoning="R", note="")


def test_available_transitions_follow_role_and_status(reviewer, other_reviewer, editor):
    """The panel offers only what the user may do now."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    verdicts = list(claim.verdicts.all())
    desk = Desk.current()
    assert workflow.available_transitions(reviewer, claim, verdicts, desk) == set()
    assert workflow.available_transitions(editor, claim, verdicts, desk) == {
        "approve",
        "send_back",
    }
    fresh = claim_in(ClaimStatus.DETECTED)
    assert workflow.available_transitions(other_reviewer, fresh, [], desk) == {
        "accept",
        "dismiss",
        "assign_self",
    }
    nobody = UserFactory()
    assert workflow.available_transitions(nobody, fresh, [], desk) == set()


def correction_of(claim, by, rating="mostly-true"):
    return workflow.correct(
        claim, by=by, rating=default_rating(rating), reasoning="NIS update", note="New figure"
    )


def test_correction_without_cross_checking_goes_straight_to_approval(reviewer, editor):
    """With cross-checking off, an editor approves a correction as soon as it is proposed."""
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    correction = correction_of(claim, reviewer)
    workflow.approve(claim, by=editor)
    correction.refresh_from_db()
    assert correction.state == VerdictState.APPROVED


def test_correction_is_cross_checked_then_approved(reviewer, other_reviewer, editor):
    """With cross-checking on, a correction waits for a second reviewer, then is approved."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    correction = correction_of(claim, reviewer)
    with pytest.raises(workflow.TransitionRefused, match="second reviewer's cross-check"):
        workflow.approve(claim, by=editor)
    workflow.cross_check(claim, by=other_reviewer, rating=default_rating("mostly-true"))
    workflow.approve(claim, by=editor)
    correction.refresh_from_db()
    assert (correction.state, correction.cross_checked_by) == (
        VerdictState.APPROVED,
        other_reviewer,
    )
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PUBLISHED


def test_differing_cross_check_returns_the_correction_and_keeps_the_published_verdict(
    reviewer, other_reviewer
):
    """A cross-check that differs on a correction sends the correction back to its author
    with both ratings; the published verdict stays public, and nothing public moves."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    published = claim.verdicts.get(state=VerdictState.APPROVED)
    correction = correction_of(claim, reviewer)
    before = Claim.objects.get(pk=claim.pk)
    returned = workflow.cross_check(claim, by=other_reviewer, rating=default_rating("false"))
    assert returned.pk == correction.pk
    assert returned.state == VerdictState.RETURNED
    assert "“False”" in returned.review_note
    assert "“Mostly true”" in returned.review_note
    assert "published verdict stays" in returned.review_note
    after = Claim.objects.get(pk=claim.pk)
    assert (after.status, after.updated_at) == (ClaimStatus.PUBLISHED, before.updated_at)
    published.refresh_from_db()
    assert published.state == VerdictState.APPROVED
    # The author may propose the correction again.
    verdicts = list(claim.verdicts.all())
    assert "correct" in workflow.available_transitions(reviewer, after, verdicts, Desk.current())
    correction_of(claim, reviewer, rating="false")


def test_a_pending_cross_check_is_a_state_for_the_editor(reviewer, editor):
    """While a cross-check is pending the editor is offered no approval but told why, and
    is not offered the blind cross-check (they see the verdict on the review page)."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    offered = workflow.available_transitions(
        editor, claim, list(claim.verdicts.all()), Desk.current()
    )
    assert offered == {"send_back"}
    assert offered.waiting == ("Waiting for a second reviewer's cross-check",)
    with pytest.raises(workflow.TransitionRefused, match="editors review"):
        workflow.cross_check(claim, by=editor, rating=default_rating())


def test_taking_a_claim_is_for_unassigned_claims_and_assigning_for_editors(
    reviewer, other_reviewer, editor
):
    """A reviewer takes an unassigned claim, not their own again; only editors assign."""
    claim = claim_in(ClaimStatus.ACCEPTED)
    with pytest.raises(workflow.TransitionRefused, match="Only editors assign"):
        workflow.assign(claim, by=reviewer, to=reviewer)
    workflow.take(claim, by=reviewer)
    with pytest.raises(workflow.TransitionRefused, match="yours"):
        workflow.take(claim, by=reviewer)
    workflow.assign(claim, by=editor, to=editor)
    assert Claim.objects.get(pk=claim.pk).assignee == editor
