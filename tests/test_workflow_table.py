"""The workflow's three faces agree: for every transition, claim situation, role and
cross-check setting, the panel offers the button exactly when the domain function lets
the user take the transition, and exactly when the view does (a redirect, else 403)."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claims import workflow
from claims.models import Claim, ClaimStatus, Desk, Rating, Verdict, VerdictState
from tests.factories import UserFactory, default_rating
from tests.test_workflow import claim_in

pytestmark = pytest.mark.django_db

ROLES = ["assignee", "other_reviewer", "editor", "author_editor", "no_role", "anonymous"]

# A claim in each situation the workflow distinguishes: (status, what its verdicts are).
SITUATIONS = [
    (ClaimStatus.DETECTED, ""),
    (ClaimStatus.ACCEPTED, ""),
    (ClaimStatus.DISMISSED, ""),
    (ClaimStatus.RESEARCHING, "draft"),
    (ClaimStatus.RESEARCHING, "no draft"),
    (ClaimStatus.IN_REVIEW, "submitted"),
    (ClaimStatus.IN_REVIEW, "cross-checked"),
    (ClaimStatus.PUBLISHED, "approved"),
    (ClaimStatus.PUBLISHED, "correction submitted"),
    (ClaimStatus.PUBLISHED, "correction cross-checked"),
]


@pytest.fixture
def people(reviewer, other_reviewer, editor):
    return {
        "assignee": reviewer,
        "other_reviewer": other_reviewer,
        "editor": editor,
        "author_editor": UserFactory(username="ezra", roles=["Editor"]),
        "no_role": UserFactory(username="nora"),
        "anonymous": AnonymousUser(),
    }


def build(status, verdicts: str, author, checker) -> Claim:
    """A claim in `status`, assigned to `author` (from research on), with `verdicts`."""
    claim = claim_in(status, assignee=author, author=author if verdicts != "no draft" else None)
    if verdicts.startswith("correction"):
        Verdict.objects.create(
            claim=claim,
            rating=default_rating("mostly-true"),
            author=author,
            reasoning="New facts",
            correction_note="NIS update",
            state=VerdictState.SUBMITTED,
            submitted_at=timezone.now(),
        )
    if verdicts.endswith("cross-checked"):
        pending = claim.verdicts.get(state=VerdictState.SUBMITTED)
        pending.cross_checked_by, pending.cross_check_rating = checker, pending.rating
        pending.save()
    return claim


def valid_input(claim: Claim, assignee) -> dict[str, dict]:
    """For each transition, input its form accepts on this claim (the view's POST)."""
    pending = claim.verdicts.filter(state=VerdictState.SUBMITTED).first()
    return {
        "dismiss": {"reason": "Opinion", "version": claim.version},
        "assign": {"assignee": assignee.pk},
        "cross_check": {"rating": (pending.rating if pending else default_rating()).pk},
        "approve": {"override_reason": "Checked by phone"},
        "send_back": {"note": "Look again"},
        "correct": {"rating": default_rating("false").pk, "reasoning": "Newer", "note": "Fix"},
    }


def call(name: str, claim: Claim, user, data: dict, assignee):
    """Call the transition's domain function directly, with the same input as the POST."""
    rating = Rating.objects.filter(pk=data.get("rating")).first()
    calls = {
        "accept": lambda: workflow.accept(claim, by=user),
        "dismiss": lambda: workflow.dismiss(claim, by=user, reason=data["reason"]),
        "assign_self": lambda: workflow.take(claim, by=user),
        "assign": lambda: workflow.assign(claim, by=user, to=assignee),
        "release": lambda: workflow.release(claim, by=user),
        "submit": lambda: workflow.submit_for_review(claim, by=user),
        "cross_check": lambda: workflow.cross_check(claim, by=user, rating=rating),
        "approve": lambda: workflow.approve(
            claim, by=user, override_reason=data["override_reason"]
        ),
        "send_back": lambda: workflow.send_back(claim, by=user, note=data["note"]),
        "correct": lambda: workflow.correct(
            claim, by=user, rating=rating, reasoning=data["reasoning"], note=data["note"]
        ),
    }
    return calls[name]()


class Undo(Exception):
    """Raised to roll a savepoint back after a successful attempt."""


def guard_lets(name: str, claim: Claim, user, data: dict, assignee) -> tuple[bool, str]:
    """Whether the domain function takes the transition (rolled back), and its refusal."""
    try:
        with transaction.atomic():
            call(name, claim, user, data, assignee)
            raise Undo
    except Undo:
        return True, ""
    except workflow.TransitionRefused as error:
        return False, str(error)


def view_lets(client, claim: Claim, name: str, data: dict) -> bool:
    """Whether a POST to the transition's URL succeeds (rolled back); 403 and the login
    page are refusals, anything else is a broken case.

    Posted as from the review page: the same dispatch and guard as the panel's post,
    whose answers (the re-rendered panel) test_workflow_views checks; its refusals are
    the cheapest to render, and this test posts some two thousand times.
    """
    url = reverse("claims:claim_transition", args=[claim.article_id, claim.pk, name])
    with transaction.atomic():
        response = client.post(url, {**data, "from": "review"})
        transaction.set_rollback(True)
    if response.status_code == 302 and "/login/" in response.url:
        return False
    assert response.status_code in (302, 403), (name, response.status_code)
    return response.status_code == 302


# Each situation, with its claim assigned to (and its verdicts written by) the assignee
# or an editor; a claim not yet researched has neither.
CASES = [
    (status, verdicts, author)
    for status, verdicts in SITUATIONS
    for author in ("assignee", "author_editor")
    if author == "assignee" or verdicts
]


@pytest.mark.parametrize("cross_checking", [False, True], ids=["cross-checking off", "on"])
@pytest.mark.parametrize(
    ("status", "verdicts", "author_role"), CASES, ids=["-".join(case) for case in CASES]
)
def test_button_guard_and_view_agree(
    client, caplog, people, status, verdicts, author_role, cross_checking
):
    """Every transition is offered exactly when its guard and its view let the user take it."""
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of 403s, expected
    Desk.objects.update(cross_checking=cross_checking)
    author = people[author_role]
    claim = build(status, verdicts, author, people["other_reviewer"])
    assignee = people["assignee"]
    data = valid_input(claim, assignee)
    disagreements = []
    for role in ROLES:
        user = people[role]
        fresh = Claim.objects.get(pk=claim.pk)
        offered = workflow.available_transitions(
            user, fresh, list(fresh.verdicts.all()), Desk.current()
        )
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        refusals = {}
        for name in workflow.TRANSITIONS:
            guard, refusals[name] = guard_lets(name, claim, user, data.get(name, {}), assignee)
            view = view_lets(client, claim, name, data.get(name, {}))
            if not (name in offered) == guard == view:
                disagreements.append(
                    f"{role} {name}: button {name in offered}, guard {guard}, view {view}"
                )
        # An editor (not the verdict's author) waits while a cross-check is pending, and
        # the approval's refusal says so.
        pending = fresh.verdicts.filter(state=VerdictState.SUBMITTED).first()
        waits = (
            pending is not None
            and cross_checking
            and pending.cross_checked_by_id is None
            and role in ("editor", "author_editor")
            and user != author
        )
        expected = ("Waiting for a second reviewer's cross-check",) if waits else ()
        if offered.waiting != expected or (waits and "cross-check" not in refusals["approve"]):
            disagreements.append(
                f"{role}: waiting {offered.waiting}, approve {refusals['approve']}"
            )
    assert not disagreements, "\n".join(disagreements)
