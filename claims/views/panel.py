"""The claim panel: what it shows and how a change answers (the fresh panel for htmx,
a redirect otherwise)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import push_url

from claims import workflow
from claims.evidence import doubtful_publishers, thin_evidence
from claims.forms import (
    AssignForm,
    CitationForm,
    ClaimEditForm,
    CommentForm,
    CorrectionForm,
    CrossCheckForm,
    DismissForm,
    SendBackForm,
    SplitForm,
    VerdictForm,
)
from claims.matching import similar_claims
from claims.models import (
    Claim,
    Desk,
    Rating,
    Stance,
    VerdictState,
)
from claims.permissions import can_comment, can_edit_claim
from claims.timeline import claim_timeline
from claims.views.workspace import default_ratings, workspace_context

UNDO_KEY = "undo_citation"


def claim_or_404(article_id: int, claim_id: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related("article", "assignee").with_current_verdict(),
        pk=claim_id,
        article_id=article_id,
    )


def panel_context(request, claim: Claim, ratings: list[Rating], **overrides) -> dict:
    """Everything the claim panel shows, in a fixed number of queries."""
    user = request.user
    desk = Desk.current()
    citations = list(claim.citations.select_related("source__publisher", "added_by"))
    verdicts = list(
        claim.verdicts.select_related(
            "rating", "author", "approved_by", "cross_checked_by", "cross_check_rating"
        )
    )
    mine = [v for v in verdicts if v.author_id == user.pk]
    draft = next((v for v in reversed(mine) if v.state == VerdictState.DRAFT), None)
    returned = next((v for v in reversed(mine) if v.state == VerdictState.RETURNED), None)
    prefill = draft or returned
    transitions = workflow.available_transitions(user, claim, verdicts, desk)
    # A cross-checker rates blind: no verdict, rating or timeline until they have rated.
    blind = "cross_check" in transitions
    rating_queryset = Rating.objects.filter(pk__in=[r.pk for r in ratings])
    undo = request.session.get(UNDO_KEY)
    context = {
        "claim": claim,
        "can_edit": can_edit_claim(user, claim),
        "can_comment": can_comment(user, claim),
        "transitions": transitions,
        "blind": blind,
        "citations": citations,
        "stance_counts": {
            stance: sum(1 for c in citations if c.stance == stance) for stance in Stance.values
        },
        "doubtful": doubtful_publishers(citations),
        "thin_evidence": thin_evidence(citations) if citations or draft else [],
        "verdicts": [] if blind else verdicts,
        "draft": draft,
        "returned": returned if draft is None else None,
        "comments": list(claim.comments.select_related("author")),
        "checked_before": [] if blind else similar_claims(claim),
        "timeline": [] if blind else claim_timeline(claim),
        "undo": undo if undo and undo.get("claim") == claim.pk else None,
        "edit_form": ClaimEditForm(
            initial={
                "statement": claim.statement,
                "claimant": claim.claimant,
                "kind": claim.kind,
                "version": claim.version,
            }
        ),
        "dismiss_form": DismissForm(initial={"version": claim.version}),
        "split_form": SplitForm(claim=claim, initial={"version": claim.version}),
        "citation_form": CitationForm(initial={"stance": Stance.SUPPORTS}),
        "verdict_form": VerdictForm(
            ratings=rating_queryset,
            initial={
                "rating": prefill.rating_id if prefill else None,
                "reasoning": prefill.reasoning if prefill else "",
                "version": draft.version if draft else None,
            },
        ),
        "comment_form": CommentForm(),
        "assign_form": AssignForm(reviewers=reviewers()) if "assign" in transitions else None,
        "send_back_form": SendBackForm(),
        "cross_check_form": CrossCheckForm(ratings=rating_queryset),
        "correct_form": CorrectionForm(ratings=rating_queryset),
    }
    rating_choices = [("", "Choose a rating")] + [(r.pk, r.label) for r in ratings]
    for name in ("verdict_form", "cross_check_form", "correct_form"):
        context[name].fields["rating"].choices = rating_choices
    context.update({key: value for key, value in overrides.items() if value is not None})
    return context


def render_claim(request, claim: Claim, *, status: int = 200, **overrides) -> HttpResponse:
    """The claim panel (and its list row, out of band) for htmx; else the whole workspace."""
    ratings = default_ratings()
    context = panel_context(request, claim, ratings, **overrides)
    if request.htmx:
        context["oob"] = request.method == "POST"
        response = render(request, "claims/claim_update.html", context, status=status)
        if request.method == "GET":
            return response
        return push_url(response, claim.get_absolute_url()) if status == 200 else response
    context.update(workspace_context(request, claim.article, ratings))
    context["selected"] = claim
    return render(request, "claims/article_detail.html", context, status=status)


def done(request, claim: Claim, message: str) -> HttpResponse:
    """After a successful change: the fresh panel for htmx, a redirect otherwise."""
    if request.htmx:
        fresh = claim_or_404(claim.article_id, claim.pk)
        return render_claim(request, fresh, flash=message)
    messages.success(request, message)
    return redirect(claim)


def refused(request, claim: Claim, message: str, *, status=422, **overrides) -> HttpResponse:
    fresh = claim_or_404(claim.article_id, claim.pk)
    return render_claim(request, fresh, status=status, error=message, **overrides)


def conflict(request, claim: Claim, form_name: str, form, current) -> HttpResponse:
    """Show both versions and keep the user's text; the next save overwrites knowingly."""
    data = form.data.copy()
    data["version"] = current.version
    kept = type(form)(data)
    fresh = claim_or_404(claim.article_id, claim.pk)
    return render_claim(request, fresh, status=409, conflict=current, **{form_name: kept})


def editable_claim(request, article_id: int, claim_id: int) -> Claim:
    claim = claim_or_404(article_id, claim_id)
    if not can_edit_claim(request.user, claim):
        raise PermissionDenied("You may not change this claim.")
    return claim


def reviewers():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=["Reviewer", "Editor", "Admin"])
        .distinct()
        .order_by("username")
    )
