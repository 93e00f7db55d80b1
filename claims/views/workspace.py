"""The workspace: an article's text with its claims marked, the claim list and its
filters, and actions on ticked claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from claims import editing, workflow
from claims.forms import (
    BulkForm,
    ClaimCreateForm,
    ClaimFilterForm,
)
from claims.highlighting import text_segments
from claims.models import (
    Article,
    Claim,
    ClaimStatus,
    Rating,
)
from claims.permissions import can_edit_claim, can_revise_article
from claims.refetch import last_check


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def default_ratings() -> list[Rating]:
    return list(Rating.objects.default_scale())


def workspace_context(request, article: Article, ratings: list[Rating]) -> dict:
    """The article text with every claim marked, and the filtered claim list.

    Verdicts count as the user may see them: a claim they are to cross-check shows (and
    filters as) no verdict.
    """
    filter_form = ClaimFilterForm(request.GET or None, ratings=ratings)
    claims_here = Claim.objects.filter(article=article).with_current_verdict(request.user)
    all_claims = list(claims_here.select_related("assignee").order_by("start", "end"))
    filters = filter_form.filters(request.user) if filter_form.is_bound else {}
    if any(filters.values()):
        shown = set(claims_here.matching(**filters).values_list("pk", flat=True))
        claims = [claim for claim in all_claims if claim.pk in shown]
    else:
        claims = all_claims
    return {
        "article": article,
        "claims": claims,
        "claim_total": len(all_claims),
        "has_published": any(c.status == ClaimStatus.PUBLISHED for c in all_claims),
        "segments": text_segments(article.body, all_claims),
        "filter_form": filter_form,
        "create_form": ClaimCreateForm(),
        "is_filtered": any(filters.values()),
        "page_check": last_check(article),
        "may_revise": can_revise_article(request.user),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def article_detail(request: HtmxHttpRequest, article_id: int):
    article = get_object_or_404(
        Article.objects.select_related("publisher", "archived_page"), pk=article_id
    )
    context = workspace_context(request, article, default_ratings())
    if request.htmx and request.htmx.target == "claim-list":
        return render(request, "claims/article_detail.html#claim-list", context)
    return render(request, "claims/article_detail.html", context)


@require_POST
@login_required
def claim_bulk(request: HtmxHttpRequest, article_id: int):
    """Accept, dismiss or merge the claims ticked in the list."""
    article = get_object_or_404(Article, pk=article_id)
    form = BulkForm(request.POST, article=article)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(article)
    claims = list(form.cleaned_data["claims"])
    action = form.cleaned_data["action"]
    if action == "merge":
        if not all(can_edit_claim(request.user, claim) for claim in claims):
            raise PermissionDenied("You may not change one of these claims.")
        try:
            merged = editing.merge_claims(claims, by=request.user)
        except editing.EditRefused as error:
            messages.error(request, str(error))
            return redirect(article)
        messages.success(request, f"Merged {len(claims)} claims into one.")
        return redirect(merged)
    changed, refusals = workflow.triage(
        claims, by=request.user, action=action, reason=form.cleaned_data["reason"]
    )
    verb = "accepted" if action == "accept" else "dismissed"
    if changed:
        messages.success(request, f"{len(changed)} claim(s) {verb}.")
    for refusal in refusals:
        messages.error(request, refusal)
    return redirect(article)
