"""The claim workflow of PRODUCT.md, written once: the table TRANSITIONS at the end.

detected → accepted | dismissed → researching (assigned) → in review (verdict submitted)
→ published (approved by an editor); an editor can send a claim back to researching.
A published claim is corrected by a new verdict that goes through approval again. With
blind cross-checking on (Desk.cross_checking), a second reviewer rates every submitted
verdict, a correction included, before an editor may approve it.

A row of the table says from which statuses a transition starts, who may take it (rules
on the user and the claim's Situation, each with its refusal), which form the view reads,
which message it shows, and the domain function. From the table come the guard every
function runs on its locked rows (`_guard`), the panel's buttons (`available_transitions`)
and the view's dispatch. Adding a transition is one row and one function.

Each function runs in a transaction on locked rows and is recorded in the history with
its actor. A refused transition raises TransitionRefused and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from claims.editing import locked_claim, recorded
from claims.evidence import evidence_checklist, unmet
from claims.forms import (
    ApproveForm,
    AssignForm,
    CorrectionForm,
    CrossCheckForm,
    DismissForm,
    SendBackForm,
)
from claims.models import (
    Claim,
    ClaimStatus,
    Comment,
    Desk,
    Rating,
    Verdict,
    VerdictState,
)
from claims.permissions import (
    REVIEW_STATUSES,
    NotAllowed,
    can_edit_claim,
    can_work_on,
    is_editor,
    is_reviewer,
    may_assign_others,
    reviewers,
)


class TransitionRefused(NotAllowed):
    """A transition the user may not take now (who, from which status, or with what
    input); the message says why. Views answer 403."""


@dataclass(frozen=True)
class Situation:
    """What decides whether a transition may be taken, besides who asks."""

    claim: Claim
    verdicts: tuple[Verdict, ...]
    cross_checking: bool

    @property
    def pending(self) -> Verdict | None:
        """The submitted verdict awaiting review: a first verdict or a correction."""
        submitted = (v for v in self.verdicts if v.state == VerdictState.SUBMITTED)
        return max(submitted, key=lambda verdict: verdict.pk, default=None)

    @property
    def awaiting_cross_check(self) -> bool:
        pending = self.pending
        return self.cross_checking and pending is not None and pending.cross_checked_by_id is None

    def draft_of(self, user) -> Verdict | None:
        return next(
            (v for v in self.verdicts if v.state == VerdictState.DRAFT and v.author_id == user.pk),
            None,
        )

    def returned_to(self, user) -> Verdict | None:
        """The user's latest verdict if it came back to them (sent back, or a cross-check
        that differed): it may be submitted again as it is."""
        theirs = [v for v in self.verdicts if v.author_id == user.pk]
        latest = max(theirs, key=lambda verdict: verdict.pk, default=None)
        return latest if latest is not None and latest.state == VerdictState.RETURNED else None


@dataclass(frozen=True)
class Rule:
    """One condition of a transition, with its refusal. A rule with `waiting` is another
    person's move: when it is the one unmet, the user sees that state instead of a
    button. Rules are asked in order, so a rule may assume the ones before it hold; a
    `waiting` rule comes last."""

    holds: Callable[[object, Situation], bool]
    refusal: str
    waiting: str = ""


@dataclass(frozen=True)
class Transition:
    name: str  # the action in the view's URL
    sources: frozenset[str]  # the statuses it starts from
    wrong_status: str  # the refusal from any other status; {status} names the claim's
    rules: tuple[Rule, ...]  # who may take it, and when
    step: Callable[..., object]  # the domain function: step(claim, by=user, **inputs)
    message: str  # the confirmation once taken
    form: Callable[[object], object] | None = None  # the form the view reads inputs from
    inputs: Callable[[dict], dict] = dict  # the form's data → the step's keyword arguments

    def unmet(self, user, situation: Situation) -> Rule | None:
        """The first condition this user does not meet now, or None: they may take it."""
        if situation.claim.status not in self.sources:
            status = situation.claim.get_status_display().lower()
            return Rule(_never, self.wrong_status.format(status=status))
        return next((rule for rule in self.rules if not rule.holds(user, situation)), None)

    def take(self, claim: Claim, *, by, data: dict):
        return self.step(claim, by=by, **self.inputs(data))


def _never(user, situation) -> bool:
    return False


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionRefused(message)


def _guard(name: str, claim: Claim, by, version: int | None = None) -> Situation:
    """Lock the claim and its verdicts; refuse unless `by` may take the transition now."""
    current = locked_claim(claim, version)
    verdicts = Verdict.objects.select_for_update().filter(claim=current).select_related("rating")
    situation = Situation(current, tuple(verdicts), Desk.current().cross_checking)
    rule = TRANSITIONS[name].unmet(by, situation)
    if rule is not None:
        raise TransitionRefused(rule.refusal)
    return situation


def _move(claim: Claim, status: str, by, **fields) -> Claim:
    claim.status = status
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version += 1
    recorded(claim, by).save()
    return claim


def _save_verdict(verdict: Verdict, by, **fields) -> Verdict:
    for name, value in fields.items():
        setattr(verdict, name, value)
    verdict.version += 1
    recorded(verdict, by).save()
    return verdict


# Triage -------------------------------------------------------------------------------


@transaction.atomic
def accept(claim: Claim, *, by, version: int | None = None) -> Claim:
    """Mark a detected (or dismissed) claim as worth checking."""
    situation = _guard("accept", claim, by, version)
    return _move(situation.claim, ClaimStatus.ACCEPTED, by, dismissal_reason="")


@transaction.atomic
def dismiss(claim: Claim, *, by, reason: str, version: int | None = None) -> Claim:
    """Set a claim aside as not worth checking, with the reason."""
    reason = reason.strip()
    _require(bool(reason), "Give a reason for dismissing the claim.")
    situation = _guard("dismiss", claim, by, version)
    return _move(situation.claim, ClaimStatus.DISMISSED, by, dismissal_reason=reason, assignee=None)


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
def take(claim: Claim, *, by) -> Claim:
    """A reviewer takes an unassigned claim to research it."""
    situation = _guard("assign_self", claim, by)
    return _move(situation.claim, ClaimStatus.RESEARCHING, by, assignee=by)


@transaction.atomic
def assign(claim: Claim, *, by, to) -> Claim:
    """An editor gives a claim to a reviewer (themselves included): it is being researched."""
    _require(to is not None and to.is_active, "Choose someone to assign the claim to.")
    situation = _guard("assign", claim, by)
    _require(is_reviewer(to), "Claims are assigned only to reviewers.")
    return _move(situation.claim, ClaimStatus.RESEARCHING, by, assignee=to)


@transaction.atomic
def release(claim: Claim, *, by) -> Claim:
    """Give a claim back to the pool: accepted, unassigned."""
    situation = _guard("release", claim, by)
    return _move(situation.claim, ClaimStatus.ACCEPTED, by, assignee=None)


# Review -------------------------------------------------------------------------------


@transaction.atomic
def submit_for_review(claim: Claim, *, by) -> Verdict:
    """Submit the reviewer's draft verdict, or the verdict that came back to them as it
    is (a new submission; the returned one stays in the record): the claim goes to review."""
    situation = _guard("submit", claim, by)
    draft = situation.draft_of(by)
    if draft is None:
        returned = situation.returned_to(by)
        draft = Verdict(
            claim=situation.claim, rating=returned.rating, reasoning=returned.reasoning, author=by
        )
    _require(bool(draft.reasoning.strip()), "Explain the verdict before submitting it.")
    _move(situation.claim, ClaimStatus.IN_REVIEW, by)
    return _save_verdict(draft, by, state=VerdictState.SUBMITTED, submitted_at=timezone.now())


@transaction.atomic
def cross_check(claim: Claim, *, by, rating: Rating) -> Verdict:
    """A second reviewer rates the submitted verdict (or correction) blind.

    Matching ratings go on to the editor. Differing ones go back to the author with both
    ratings: a first verdict returns its claim to research; a correction is returned
    while the published verdict stays public.
    """
    situation = _guard("cross_check", claim, by)
    verdict = situation.pending
    _require(rating.scale_id == verdict.rating.scale_id, "Choose a rating from the desk's scale.")
    if rating.pk == verdict.rating_id:
        return _save_verdict(verdict, by, cross_checked_by=by, cross_check_rating=rating)
    current = situation.claim
    is_correction = current.status == ClaimStatus.PUBLISHED
    note = (
        f"Cross-check differs: {by.get_username()} rated it “{rating.label}”, "
        f"the {'correction' if is_correction else 'verdict'} says “{verdict.rating.label}”. "
        + (
            "The published verdict stays; look again and propose the correction again."
            if is_correction
            else "Look again and resubmit."
        )
    )
    if not is_correction:
        _move(current, ClaimStatus.RESEARCHING, by)
    return _save_verdict(
        verdict,
        by,
        state=VerdictState.RETURNED,
        cross_checked_by=by,
        cross_check_rating=rating,
        review_note=note,
        returned_by=by,
    )


@transaction.atomic
def approve(claim: Claim, *, by, override_reason: str = "") -> Verdict:
    """An editor approves the submitted verdict (never their own): the claim is published.

    Unmet evidence checks block approval unless the editor records an override reason.
    Approving a correction publishes the new verdict; the old one stays in the record.
    """
    situation = _guard("approve", claim, by)
    current, verdict = situation.claim, situation.pending
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
    situation = _guard("send_back", claim, by)
    current = situation.claim
    Comment.objects.create(claim=current, author=by, body=f"Sent back: {note}")
    if current.status == ClaimStatus.IN_REVIEW:
        _move(current, ClaimStatus.RESEARCHING, by)
    return _save_verdict(
        situation.pending, by, state=VerdictState.RETURNED, review_note=note, returned_by=by
    )


@transaction.atomic
def correct(claim: Claim, *, by, rating: Rating, reasoning: str, note: str) -> Verdict:
    """Propose a correction of a published claim: a new verdict with a correction note,
    submitted for approval. The published verdict stays public until it is approved."""
    note, reasoning = note.strip(), reasoning.strip()
    _require(bool(note), "A correction needs a note saying what changed and why.")
    _require(bool(reasoning), "Explain the corrected verdict.")
    current = _guard("correct", claim, by).claim
    current.version += 1
    # Only the version moves: updated_at is public (pages, feeds, the API), and a
    # correction is not public until it is approved.
    recorded(current, by).save(update_fields=["version"])
    verdict = Verdict(
        claim=current,
        rating=rating,
        reasoning=reasoning,
        author=by,
        state=VerdictState.SUBMITTED,
        correction_note=note,
        submitted_at=timezone.now(),
    )
    recorded(verdict, by).save()
    return verdict


# The table ----------------------------------------------------------------------------


def _is_pending(user, situation: Situation) -> bool:
    return situation.pending is not None


def _not_the_author(user, situation: Situation) -> bool:
    return situation.pending.author_id != user.pk


def _default_ratings():
    return Rating.objects.filter(scale__is_default=True)


TRIAGE = frozenset({ClaimStatus.DETECTED, ClaimStatus.ACCEPTED})
ASSIGNABLE = frozenset({ClaimStatus.DETECTED, ClaimStatus.ACCEPTED, ClaimStatus.RESEARCHING})
MAY_EDIT = Rule(lambda user, s: can_edit_claim(user, s.claim), "You may not change this claim.")

TRANSITIONS: dict[str, Transition] = {
    transition.name: transition
    for transition in (
        Transition(
            "accept",
            frozenset({ClaimStatus.DETECTED, ClaimStatus.DISMISSED}),
            "Only detected or dismissed claims can be accepted; this one is {status}.",
            (MAY_EDIT,),
            accept,
            "Claim accepted for checking.",
        ),
        Transition(
            "dismiss",
            TRIAGE,
            "Only detected or accepted claims can be dismissed; this one is {status}.",
            (MAY_EDIT,),
            dismiss,
            "Claim dismissed.",
            form=DismissForm,
        ),
        Transition(
            "assign_self",
            ASSIGNABLE,
            "A claim that is {status} cannot be assigned.",
            (
                Rule(lambda user, s: is_reviewer(user), "Only reviewers take claims."),
                Rule(lambda user, s: s.claim.assignee_id != user.pk, "This claim is yours."),
                Rule(
                    lambda user, s: s.claim.assignee_id is None,
                    "This claim is already assigned to someone else.",
                ),
            ),
            take,
            "The claim is yours to research.",
        ),
        Transition(
            "assign",
            ASSIGNABLE,
            "A claim that is {status} cannot be assigned.",
            (Rule(lambda user, s: may_assign_others(user), "Only editors assign claims."),),
            assign,
            "Claim assigned.",
            form=lambda data: AssignForm(data, reviewers=reviewers()),
            inputs=lambda data: {"to": data["assignee"]},
        ),
        Transition(
            "release",
            frozenset({ClaimStatus.RESEARCHING}),
            "Only claims being researched can be released; this one is {status}.",
            (
                Rule(
                    lambda user, s: (
                        is_reviewer(user) and (s.claim.assignee_id == user.pk or is_editor(user))
                    ),
                    "Only the assignee or an editor can release this claim.",
                ),
            ),
            release,
            "Claim released.",
        ),
        Transition(
            "submit",
            frozenset({ClaimStatus.RESEARCHING}),
            "Only claims being researched can be submitted; this one is {status}.",
            (
                Rule(
                    lambda user, s: is_reviewer(user) and s.claim.assignee_id == user.pk,
                    "Only the claim's assignee can submit its verdict.",
                ),
                Rule(
                    lambda user, s: s.draft_of(user) is not None or s.returned_to(user) is not None,
                    "Save a draft verdict before submitting it.",
                ),
            ),
            submit_for_review,
            "Verdict submitted for review.",
        ),
        Transition(
            "cross_check",
            REVIEW_STATUSES,
            "This claim is not waiting for a cross-check.",
            (
                Rule(_is_pending, "This claim is not waiting for a cross-check."),
                Rule(lambda user, s: s.awaiting_cross_check, "This verdict needs no cross-check."),
                Rule(lambda user, s: is_reviewer(user), "Only reviewers cross-check verdicts."),
                # An editor sees the verdict on the review page: they could not rate blind.
                Rule(
                    lambda user, s: not is_editor(user),
                    "A second reviewer cross-checks; editors review the verdict.",
                ),
                Rule(_not_the_author, "Someone other than the verdict's author cross-checks."),
            ),
            cross_check,
            "Cross-check recorded.",
            form=lambda data: CrossCheckForm(data, ratings=_default_ratings()),
        ),
        Transition(
            "approve",
            REVIEW_STATUSES,
            "There is no submitted verdict to approve.",
            (
                Rule(_is_pending, "There is no submitted verdict to approve."),
                Rule(lambda user, s: is_editor(user), "Only editors approve verdicts."),
                Rule(_not_the_author, "You cannot approve a verdict you wrote."),
                Rule(
                    lambda user, s: not s.awaiting_cross_check,
                    "This verdict is waiting for a second reviewer's cross-check.",
                    waiting="Waiting for a second reviewer's cross-check",
                ),
            ),
            approve,
            "Verdict approved: the claim is published.",
            form=ApproveForm,
        ),
        Transition(
            "send_back",
            REVIEW_STATUSES,
            "There is no submitted verdict to send back.",
            (
                Rule(_is_pending, "There is no submitted verdict to send back."),
                Rule(lambda user, s: is_editor(user), "Only editors send verdicts back."),
            ),
            send_back,
            "Sent back to the reviewer.",
            form=SendBackForm,
        ),
        Transition(
            "correct",
            frozenset({ClaimStatus.PUBLISHED}),
            "Only published claims are corrected; this one is {status}.",
            (
                Rule(lambda user, s: can_work_on(user, s.claim), "You may not correct this claim."),
                Rule(
                    lambda user, s: s.pending is None,
                    "A correction of this claim is already waiting for approval.",
                ),
            ),
            correct,
            "Correction submitted for approval.",
            form=lambda data: CorrectionForm(data, ratings=_default_ratings()),
        ),
    )
}


# What the panel offers ----------------------------------------------------------------


class Offered(frozenset):
    """The names of the transitions a user may take now: the panel's buttons. `waiting`
    holds what is shown instead of a button while another person's move comes first."""

    waiting: tuple[str, ...] = ()


def available_transitions(user, claim: Claim, verdicts: list[Verdict], desk: Desk) -> Offered:
    """The transitions this user may take on this claim now (buttons in the claim panel)."""
    situation = Situation(claim, tuple(verdicts), desk.cross_checking)
    offered, waiting = [], []
    for transition in TRANSITIONS.values():
        rule = transition.unmet(user, situation)
        if rule is None:
            offered.append(transition.name)
        elif rule.waiting:
            waiting.append(rule.waiting)
    result = Offered(offered)
    result.waiting = tuple(waiting)
    return result
