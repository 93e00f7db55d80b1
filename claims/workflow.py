"""The claim workflow of PRODUCT.md as explicit transition functions.

detected → accepted | dismissed → researching (assigned) → in review (verdict submitted)
→ published (approved by an editor); an editor can send a claim back to researching.
A published claim is corrected by a new verdict that goes through approval again.

Each transition checks who may take it and from which status, runs in a transaction on
locked rows, and is recorded in the history (django-simple-history, with the actor). An
illegal transition raises TransitionRefused and changes nothing.
"""

from django.db import transaction
from django.utils import timezone

from claims.editing import locked_claim
from claims.evidence import evidence_checklist, unmet
from claims.models import (
    Claim,
    ClaimStatus,
    Comment,
    Desk,
    Rating,
    Verdict,
    VerdictState,
)
from claims.permissions import can_assign, can_edit_claim, can_work_on, is_editor, is_reviewer


class TransitionRefused(ValueError):
    """A transition the user may not take now; the message says why."""


def _move(claim: Claim, status: str, by, **fields) -> Claim:
    claim.status = status
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version += 1
    claim._history_user = by
    claim.save()
    return claim


def _save_verdict(verdict: Verdict, by, **fields) -> Verdict:
    for name, value in fields.items():
        setattr(verdict, name, value)
    verdict.version += 1
    verdict._history_user = by
    verdict.save()
    return verdict


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionRefused(message)


def _status_name(claim: Claim) -> str:
    return claim.get_status_display().lower()


def pending_verdict(claim: Claim) -> Verdict | None:
    """The submitted verdict awaiting review (a first verdict or a correction)."""
    return (
        Verdict.objects.select_for_update()
        .filter(claim=claim, state=VerdictState.SUBMITTED)
        .select_related("rating", "author")
        .order_by("-pk")
        .first()
    )


# Triage -------------------------------------------------------------------------------


@transaction.atomic
def accept(claim: Claim, *, by, version: int | None = None) -> Claim:
    """Mark a detected (or dismissed) claim as worth checking."""
    current = locked_claim(claim, version)
    _require(
        current.status in (ClaimStatus.DETECTED, ClaimStatus.DISMISSED),
        f"Only detected or dismissed claims can be accepted; this one is {_status_name(current)}.",
    )
    _require(can_edit_claim(by, current), "You may not change this claim.")
    return _move(current, ClaimStatus.ACCEPTED, by, dismissal_reason="")


@transaction.atomic
def dismiss(claim: Claim, *, by, reason: str, version: int | None = None) -> Claim:
    """Set a claim aside as not worth checking, with the reason."""
    reason = reason.strip()
    _require(bool(reason), "Give a reason for dismissing the claim.")
    current = locked_claim(claim, version)
    _require(
        current.status in (ClaimStatus.DETECTED, ClaimStatus.ACCEPTED),
        f"Only detected or accepted claims can be dismissed; this one is {_status_name(current)}.",
    )
    _require(can_edit_claim(by, current), "You may not change this claim.")
    return _move(current, ClaimStatus.DISMISSED, by, dismissal_reason=reason, assignee=None)


def triage(claims, *, by, action: str, reason: str = "") -> tuple[list[Claim], list[str]]:
    """Accept or dismiss several claims; return those changed and a message per refusal."""
    changed, refusals = [], []
    for claim in claims:
        try:
            if action == "accept":
                changed.append(accept(claim, by=by))
            else:
                changed.append(dismiss(claim, by=by, reason=reason))
        except TransitionRefused as error:
            refusals.append(f"“{claim.statement[:60]}”: {error}")
    return changed, refusals


# Assignment ---------------------------------------------------------------------------


@transaction.atomic
def assign(claim: Claim, *, by, to) -> Claim:
    """Give a claim to a reviewer (oneself, or anyone for editors): it is being researched."""
    current = locked_claim(claim)
    _require(
        current.status in (ClaimStatus.DETECTED, ClaimStatus.ACCEPTED, ClaimStatus.RESEARCHING),
        f"A claim that is {_status_name(current)} cannot be assigned.",
    )
    _require(to is not None and to.is_active, "Choose someone to assign the claim to.")
    _require(
        can_assign(by, current, to),
        "Only editors assign claims to others, and only to reviewers."
        if to.pk != by.pk
        else "This claim is already assigned to someone else.",
    )
    return _move(current, ClaimStatus.RESEARCHING, by, assignee=to)


@transaction.atomic
def release(claim: Claim, *, by) -> Claim:
    """Give a claim back to the pool: accepted, unassigned."""
    current = locked_claim(claim)
    _require(
        current.status == ClaimStatus.RESEARCHING,
        f"Only claims being researched can be released; this one is {_status_name(current)}.",
    )
    _require(
        current.assignee_id == by.pk or is_editor(by),
        "Only the assignee or an editor can release this claim.",
    )
    return _move(current, ClaimStatus.ACCEPTED, by, assignee=None)


# Review -------------------------------------------------------------------------------


@transaction.atomic
def submit_for_review(claim: Claim, *, by) -> Verdict:
    """Submit the reviewer's draft verdict: the claim goes to review."""
    current = locked_claim(claim)
    _require(
        current.status == ClaimStatus.RESEARCHING,
        f"Only claims being researched can be submitted; this one is {_status_name(current)}.",
    )
    _require(
        current.assignee_id == by.pk and is_reviewer(by),
        "Only the claim's assignee can submit its verdict.",
    )
    draft = (
        Verdict.objects.select_for_update()
        .filter(claim=current, author=by, state=VerdictState.DRAFT)
        .first()
    )
    _require(draft is not None, "Save a draft verdict before submitting it.")
    _require(bool(draft.reasoning.strip()), "Explain the verdict before submitting it.")
    _move(current, ClaimStatus.IN_REVIEW, by)
    return _save_verdict(draft, by, state=VerdictState.SUBMITTED, submitted_at=timezone.now())


def needs_cross_check(verdict: Verdict, desk: Desk) -> bool:
    return desk.cross_checking and verdict.cross_checked_by_id is None


@transaction.atomic
def cross_check(claim: Claim, *, by, rating: Rating) -> Verdict:
    """A second reviewer rates the claim blind. Matching ratings go on to the editor;
    differing ones go back to the first reviewer with both ratings shown."""
    current = locked_claim(claim)
    verdict = pending_verdict(current)
    _require(
        current.status == ClaimStatus.IN_REVIEW and verdict is not None,
        "This claim is not waiting for a cross-check.",
    )
    _require(needs_cross_check(verdict, Desk.current()), "This verdict needs no cross-check.")
    _require(is_reviewer(by), "Only reviewers cross-check verdicts.")
    _require(verdict.author_id != by.pk, "Someone other than the verdict's author cross-checks.")
    _require(rating.scale_id == verdict.rating.scale_id, "Choose a rating from the desk's scale.")
    if rating.pk == verdict.rating_id:
        return _save_verdict(verdict, by, cross_checked_by=by, cross_check_rating=rating)
    note = (
        f"Cross-check differs: {by.get_username()} rated it “{rating.label}”, "
        f"the verdict says “{verdict.rating.label}”. Look again and resubmit."
    )
    _move(current, ClaimStatus.RESEARCHING, by)
    return _save_verdict(
        verdict,
        by,
        state=VerdictState.RETURNED,
        cross_checked_by=by,
        cross_check_rating=rating,
        review_note=note,
    )


@transaction.atomic
def approve(claim: Claim, *, by, override_reason: str = "") -> Verdict:
    """An editor approves the submitted verdict (never their own): the claim is published.

    Unmet evidence checks block approval unless the editor records an override reason.
    Approving a correction publishes the new verdict; the old one stays in the record.
    """
    current = locked_claim(claim)
    verdict = pending_verdict(current)
    _require(
        current.status in (ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED) and verdict is not None,
        "There is no submitted verdict to approve.",
    )
    _require(is_editor(by), "Only editors approve verdicts.")
    _require(verdict.author_id != by.pk, "You cannot approve a verdict you wrote.")
    _require(
        not needs_cross_check(verdict, Desk.current()),
        "This verdict is waiting for a second reviewer's cross-check.",
    )
    citations = current.citations.select_related("source__publisher")
    failing = unmet(evidence_checklist(citations, verdict.reasoning))
    override_reason = override_reason.strip()
    _require(
        not failing or bool(override_reason),
        "Evidence checks not met: "
        + "; ".join(check.detail for check in failing)
        + " Record why you approve anyway, or send it back.",
    )
    now = timezone.now()
    _move(current, ClaimStatus.PUBLISHED, by)
    return _save_verdict(
        verdict,
        by,
        state=VerdictState.APPROVED,
        approved_by=by,
        approved_at=now,
        published_at=now,
        override_reason=override_reason if failing else "",
    )


@transaction.atomic
def send_back(claim: Claim, *, by, note: str) -> Verdict:
    """An editor returns the submitted verdict to its reviewer with a required comment."""
    note = note.strip()
    _require(bool(note), "Say what needs another look before sending it back.")
    current = locked_claim(claim)
    verdict = pending_verdict(current)
    _require(
        current.status in (ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED) and verdict is not None,
        "There is no submitted verdict to send back.",
    )
    _require(is_editor(by), "Only editors send verdicts back.")
    Comment.objects.create(claim=current, author=by, body=f"Sent back: {note}")
    if current.status == ClaimStatus.IN_REVIEW:
        _move(current, ClaimStatus.RESEARCHING, by)
    return _save_verdict(verdict, by, state=VerdictState.RETURNED, review_note=note)


@transaction.atomic
def correct(claim: Claim, *, by, rating: Rating, reasoning: str, note: str) -> Verdict:
    """Propose a correction of a published claim: a new verdict with a correction note,
    submitted for approval. The published verdict stays public until it is approved."""
    note, reasoning = note.strip(), reasoning.strip()
    _require(bool(note), "A correction needs a note saying what changed and why.")
    _require(bool(reasoning), "Explain the corrected verdict.")
    current = locked_claim(claim)
    _require(
        current.status == ClaimStatus.PUBLISHED,
        f"Only published claims are corrected; this one is {_status_name(current)}.",
    )
    _require(can_work_on(by, current), "You may not correct this claim.")
    _require(
        not Verdict.objects.filter(claim=current, state=VerdictState.SUBMITTED).exists(),
        "A correction of this claim is already waiting for approval.",
    )
    current.version += 1
    current._history_user = by
    # Only the version moves: updated_at is public (pages, feeds, the API), and a
    # correction is not public until it is approved.
    current.save(update_fields=["version"])
    verdict = Verdict(
        claim=current,
        rating=rating,
        reasoning=reasoning,
        author=by,
        state=VerdictState.SUBMITTED,
        correction_note=note,
        submitted_at=timezone.now(),
    )
    verdict._history_user = by
    verdict.save()
    return verdict


# What the panel offers ----------------------------------------------------------------


def available_transitions(user, claim: Claim, verdicts: list[Verdict], desk: Desk) -> set[str]:
    """The transitions this user may take on this claim now (buttons in the claim panel)."""
    offered = set()
    status = claim.status
    pending = next((v for v in reversed(verdicts) if v.state == VerdictState.SUBMITTED), None)
    own_draft = any(v.author_id == user.pk and v.state == VerdictState.DRAFT for v in verdicts)
    if status in (ClaimStatus.DETECTED, ClaimStatus.DISMISSED) and can_edit_claim(user, claim):
        offered.add("accept")
    if status in (ClaimStatus.DETECTED, ClaimStatus.ACCEPTED) and can_edit_claim(user, claim):
        offered.add("dismiss")
    if status in (ClaimStatus.DETECTED, ClaimStatus.ACCEPTED, ClaimStatus.RESEARCHING):
        if claim.assignee_id is None and is_reviewer(user):
            offered.add("assign_self")
        if is_editor(user) and user.has_perm("claims.assign_claim"):
            offered.add("assign")
    if status == ClaimStatus.RESEARCHING and (claim.assignee_id == user.pk or is_editor(user)):
        offered.add("release")
    if status == ClaimStatus.RESEARCHING and claim.assignee_id == user.pk and own_draft:
        offered.add("submit")
    if pending is not None:
        if needs_cross_check(pending, desk):
            if is_reviewer(user) and pending.author_id != user.pk:
                offered.add("cross_check")
        elif is_editor(user) and pending.author_id != user.pk:
            offered.add("approve")
        if is_editor(user):
            offered.add("send_back")
    if status == ClaimStatus.PUBLISHED and pending is None and can_work_on(user, claim):
        offered.add("correct")
    return offered
