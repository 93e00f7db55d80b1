"""The workflow's steps, the editor's review page and My work."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from claims import editing, workflow
from claims.evidence import evidence_checklist
from claims.forms import ApproveForm, SendBackForm
from claims.models import (
    Claim,
    ClaimStatus,
    Desk,
    ExcerptCheck,
    Verdict,
    VerdictState,
)
from claims.permissions import is_editor
from claims.views.panel import claim_or_404, conflict, done, refused, render_claim
from claims.views.workspace import HtmxHttpRequest


@require_POST
@login_required
def claim_transition(request: HtmxHttpRequest, article_id: int, claim_id: int, action: str):
    """Take one workflow step, the row of workflow.TRANSITIONS named `action`; the
    workflow decides whether this user may."""
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404("No such action.")
    claim = claim_or_404(request, article_id, claim_id)
    form = transition.form(request.POST) if transition.form is not None else None
    from_review = request.POST.get("from") == "review"
    if form is not None and not form.is_valid():
        if from_review:
            return review_page(request, claim, form=form, status=422)
        return render_claim(request, claim, status=422, **{f"{action}_form": form})
    try:
        transition.take(claim, by=request.user, data=form.cleaned_data if form else {})
    except editing.EditConflict as error:
        return conflict(request, claim, f"{action}_form", form, error.current)
    except workflow.TransitionRefused as error:
        if from_review:
            return review_page(request, claim, error=str(error), form=form, status=403)
        return refused(request, claim, str(error), status=403, **{f"{action}_form": form})
    if from_review:
        messages.success(request, transition.message)
        return redirect(claim)
    return done(request, claim, transition.message)


@require_GET
@login_required
def claim_review(request, article_id: int, claim_id: int):
    return review_page(request, claim_or_404(request, article_id, claim_id))


def review_page(
    request, claim: Claim, *, error: str = "", form=None, status: int = 200
) -> HttpResponse:
    """The editor's review: verdict and reasoning beside the citations and the checklist,
    with the actions the workflow offers this editor now."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors review verdicts.")
    verdicts = list(
        claim.verdicts.select_related("rating", "author", "cross_check_rating", "cross_checked_by")
    )
    transitions = workflow.available_transitions(request.user, claim, verdicts, Desk.current())
    submitted = [v for v in verdicts if v.state == VerdictState.SUBMITTED]
    verdict = max(submitted, key=lambda v: v.pk, default=None)
    published = [v for v in verdicts if v.state == VerdictState.APPROVED]
    citations = list(claim.citations.select_related("source__publisher", "added_by", "copied_from"))
    checks = evidence_checklist(citations, verdict.reasoning if verdict else "")
    return render(
        request,
        "claims/claim_review.html",
        {
            "claim": claim,
            "verdict": verdict,
            "published": published[-1] if published else None,
            "transitions": transitions,
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


@dataclass
class StatusGroup:
    label: str
    status: str
    total: int
    claims: list = field(default_factory=list)


MY_WORK_SHOWN = 50  # per status on My work; "Show all" pages through the rest
MY_WORK_PAGE = 200


@require_GET
@login_required
def my_work(request):
    """Claims assigned to me by status (the 50 most recently changed of each, or one status
    page by page), verdicts waiting for my review, and returns: bounded at any size."""
    user = request.user
    mine = (
        Claim.objects.filter(assignee=user)
        .exclude(status__in=[ClaimStatus.PUBLISHED, ClaimStatus.DISMISSED])
        .select_related("article")
        .defer("article__body")  # the article's title is shown, never its text
    )
    totals = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    only = request.GET.get("status")
    page = None
    if only in totals:
        paginator = Paginator(mine.filter(status=only).order_by("-updated_at", "-pk"), MY_WORK_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        rows = list(page.object_list)
    else:
        recent = Window(
            RowNumber(),
            partition_by=[F("status")],
            order_by=[F("updated_at").desc(), F("pk").desc()],
        )
        rows = list(
            mine.annotate(place=recent)
            .filter(place__lte=MY_WORK_SHOWN)
            .order_by("status", "-updated_at", "-pk")
        )
    groups: dict[str, StatusGroup] = {}
    for claim in rows:
        label = claim.get_status_display()
        group = groups.setdefault(label, StatusGroup(label, claim.status, totals[claim.status]))
        group.claims.append(claim)
    by_status = {label: group.claims for label, group in groups.items()}
    # The badge of the My work link counts the same rows: researching claims and these.
    waiting = list(
        Verdict.objects.awaiting(user)
        .select_related("claim__article", "author")
        .defer("claim__article__body")
        .order_by("submitted_at")[: MY_WORK_SHOWN + 1]
    )
    waiting_total = len(waiting)
    if waiting_total > MY_WORK_SHOWN:
        waiting, waiting_total = waiting[:MY_WORK_SHOWN], Verdict.objects.awaiting(user).count()
    returned = list(
        Verdict.objects.filter(author=user, state=VerdictState.RETURNED)
        .select_related("claim__article", "rating")
        .defer("claim__article__body")
        .order_by("-updated_at")[:20]
    )
    context = {
        "by_status": by_status,
        "groups": list(groups.values()),
        "page": page,
        "shown": MY_WORK_SHOWN,
        "waiting": waiting,
        "waiting_total": waiting_total,
        "returned": returned,
    }
    return render(request, "claims/my_work.html", context)
