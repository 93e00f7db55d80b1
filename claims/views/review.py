"""The workflow's steps, the editor's review page and My work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from claims import editing, workflow
from claims.evidence import evidence_checklist
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
    ExcerptCheck,
    Rating,
    Verdict,
    VerdictState,
)
from claims.permissions import is_editor
from claims.views.panel import claim_or_404, conflict, done, refused, render_claim, reviewers
from claims.views.workspace import HtmxHttpRequest


def _transition_form(action: str, data, ratings):
    """The form a transition reads its input from, or None when it takes none."""
    if action == "dismiss":
        return DismissForm(data)
    if action == "assign":
        return AssignForm(data, reviewers=reviewers())
    if action == "send_back":
        return SendBackForm(data)
    if action == "approve":
        return ApproveForm(data)
    if action == "cross_check":
        return CrossCheckForm(data, ratings=ratings)
    if action == "correct":
        return CorrectionForm(data, ratings=ratings)
    return None


def _run_transition(action: str, claim: Claim, user, data: dict):
    if action == "accept":
        return workflow.accept(claim, by=user)
    if action == "dismiss":
        return workflow.dismiss(claim, by=user, reason=data["reason"], version=data.get("version"))
    if action == "assign_self":
        return workflow.assign(claim, by=user, to=user)
    if action == "assign":
        return workflow.assign(claim, by=user, to=data["assignee"])
    if action == "release":
        return workflow.release(claim, by=user)
    if action == "submit":
        return workflow.submit_for_review(claim, by=user)
    if action == "cross_check":
        return workflow.cross_check(claim, by=user, rating=data["rating"])
    if action == "approve":
        return workflow.approve(claim, by=user, override_reason=data["override_reason"])
    if action == "send_back":
        return workflow.send_back(claim, by=user, note=data["note"])
    if action == "correct":
        return workflow.correct(
            claim, by=user, rating=data["rating"], reasoning=data["reasoning"], note=data["note"]
        )
    raise Http404("No such action.")


TRANSITION_MESSAGES = {
    "accept": "Claim accepted for checking.",
    "dismiss": "Claim dismissed.",
    "assign_self": "The claim is yours to research.",
    "assign": "Claim assigned.",
    "release": "Claim released.",
    "submit": "Verdict submitted for review.",
    "cross_check": "Cross-check recorded.",
    "approve": "Verdict approved: the claim is published.",
    "send_back": "Sent back to the reviewer.",
    "correct": "Correction submitted for approval.",
}


@require_POST
@login_required
def claim_transition(request: HtmxHttpRequest, article_id: int, claim_id: int, action: str):
    """Take one workflow step; the workflow module decides whether this user may."""
    if action not in TRANSITION_MESSAGES:
        raise Http404("No such action.")
    claim = claim_or_404(request, article_id, claim_id)
    form = _transition_form(action, request.POST, Rating.objects.default_scale())
    from_review = request.POST.get("from") == "review"
    if form is not None and not form.is_valid():
        if from_review:
            return review_page(request, claim, form=form, status=422)
        return render_claim(request, claim, status=422, **{f"{action}_form": form})
    data = form.cleaned_data if form is not None else {}
    try:
        _run_transition(action, claim, request.user, data)
    except editing.EditConflict as error:
        return conflict(request, claim, f"{action}_form", form, error.current)
    except workflow.TransitionRefused as error:
        if from_review:
            return review_page(request, claim, error=str(error), form=form, status=403)
        return refused(request, claim, str(error), status=403, **{f"{action}_form": form})
    if from_review:
        messages.success(request, TRANSITION_MESSAGES[action])
        return redirect(claim)
    return done(request, claim, TRANSITION_MESSAGES[action])


@require_GET
@login_required
def claim_review(request, article_id: int, claim_id: int):
    return review_page(request, claim_or_404(request, article_id, claim_id))


def review_page(
    request, claim: Claim, *, error: str = "", form=None, status: int = 200
) -> HttpResponse:
    """The editor's review: verdict and reasoning beside the citations and the checklist."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors review verdicts.")
    verdict = (
        claim.verdicts.filter(state=VerdictState.SUBMITTED)
        .select_related("rating", "author", "cross_check_rating", "cross_checked_by")
        .order_by("-pk")
        .first()
    )
    citations = list(claim.citations.select_related("source__publisher", "added_by"))
    checks = evidence_checklist(citations, verdict.reasoning if verdict else "")
    published = claim.verdicts.filter(state=VerdictState.APPROVED).select_related("rating").last()
    return render(
        request,
        "claims/claim_review.html",
        {
            "claim": claim,
            "verdict": verdict,
            "published": published,
            "citations": citations,
            "checks": checks,
            "all_met": all(check.met for check in checks),
            "unverified": sum(
                1 for c in citations if c.excerpt and c.excerpt_check != ExcerptCheck.FOUND
            ),
            "own": verdict is not None and verdict.author_id == request.user.pk,
            "error": error,
            "approve_form": form if isinstance(form, ApproveForm) else ApproveForm(),
            "send_back_form": form if isinstance(form, SendBackForm) else SendBackForm(),
        },
        status=status,
    )


@require_GET
@login_required
def my_work(request):
    """Claims assigned to me by status, verdicts waiting for my review, and returns."""
    user = request.user
    assigned = list(
        Claim.objects.filter(assignee=user)
        .exclude(status__in=[ClaimStatus.PUBLISHED, ClaimStatus.DISMISSED])
        .select_related("article")
        .order_by("status", "-updated_at")
    )
    by_status = {}
    for claim in assigned:
        by_status.setdefault(claim.get_status_display(), []).append(claim)
    # The badge of the My work link counts the same rows: researching claims and these.
    waiting = list(
        Verdict.objects.awaiting(user)
        .select_related("claim__article", "author")
        .order_by("submitted_at")
    )
    returned = list(
        Verdict.objects.filter(author=user, state=VerdictState.RETURNED)
        .select_related("claim__article", "rating")
        .order_by("-updated_at")[:20]
    )
    return render(
        request,
        "claims/my_work.html",
        {"by_status": by_status, "waiting": waiting, "returned": returned},
    )
