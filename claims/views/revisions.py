"""An article's versions: what changed in each, and bringing in a new one (pasted, or its
URL fetched again through the same fetch, extraction and preview as an import)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.forms import ArticleRevisionForm
from claims.importing import ArticleRejected
from claims.models import ArchivedPage, Article, Claim
from claims.page_import import article_draft, fetch_article_page
from claims.revisions import (
    FLAGGED,
    Outcome,
    RevisionRefused,
    reanchored,
    revise_article,
    text_changes,
)
from claims.views.workspace import HtmxHttpRequest


@require_GET
@login_required
def article_versions(request: HtmxHttpRequest, article_id: int):
    """Every version of the article, what the chosen one changed, and the flagged claims."""
    if not request.user.has_perm("claims.view_article"):
        raise PermissionDenied("Only the desk sees an article's versions.")
    article = get_object_or_404(Article, pk=article_id)
    versions = list(
        article.versions.select_related("created_by", "archived_page").order_by("number")
    )
    try:
        number = int(request.GET.get("version") or versions[-1].number)
        shown = next(v for v in versions if v.number == number)
    except (ValueError, StopIteration):
        raise Http404("No such version.") from None
    previous = next((v for v in versions if v.number == shown.number - 1), None)
    labels = dict(Outcome.choices)
    outcomes = [
        {
            **row,
            "label": labels.get(row["outcome"], row["outcome"]),
            "flagged": row["outcome"] in FLAGGED,
            "url": reverse("claims:claim_detail", args=[article.pk, row["claim"]]),
        }
        for row in shown.claim_outcomes
    ]
    return render(
        request,
        "claims/article_versions.html",
        {
            "article": article,
            "versions": list(reversed(versions)),
            "shown": shown,
            "previous": previous,
            "changes": text_changes(previous.body, shown.body) if previous else [],
            "outcomes": outcomes,
            "orphaned": Claim.objects.filter(article=article, is_orphaned=True).order_by("pk"),
            "may_revise": request.user.has_perm("claims.add_article"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def article_revise(request: HtmxHttpRequest, article_id: int, page_id: int | None = None):
    """The article's new text: previewed (what changed, which claims would be flagged),
    then saved as its next version. With page_id, the text is read from a page the desk
    fetched again, for the reviewer to correct first."""
    _check_may_revise(request)
    article = get_object_or_404(Article, pk=article_id)
    archived = None
    body = article.body
    if page_id is not None:
        archived = get_object_or_404(ArchivedPage, pk=page_id, created_by=request.user)
        try:
            body = article_draft(archived).body
        except ArticleRejected as error:
            messages.error(request, str(error))
            return redirect("claims:article_versions", article_id=article.pk)
    form = ArticleRevisionForm(request.POST or None, initial={"body": body})
    context = {"article": article, "form": form, "archived": archived}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["body"]
        if request.POST.get("action") == "save":
            try:
                version, outcomes = revise_article(
                    article, body=text, by=request.user, archived_page=archived
                )
            except RevisionRefused as error:
                form.add_error("body", str(error))
            else:
                flagged = sum(o.is_flagged for o in outcomes)
                messages.success(
                    request,
                    f"Version {version.number} saved: {len(outcomes) - flagged} claim(s) "
                    f"found again, {flagged} flagged for review.",
                )
                return redirect("claims:article_versions", article_id=article.pk)
        else:
            claims = list(article.claims.order_by("start", "end"))
            context["changes"] = text_changes(article.body, text)
            context["outcomes"] = reanchored(article.body, text, claims)
            context["previewed"] = True
    return render(request, "claims/article_revise.html", context)


@require_POST
@login_required
def article_refetch(request: HtmxHttpRequest, article_id: int):
    """Fetch the article's URL again and keep the page; the reviewer corrects the text read
    from it before it becomes a version."""
    _check_may_revise(request)
    article = get_object_or_404(Article, pk=article_id)
    if not article.url:
        messages.error(request, "This article has no URL to fetch: paste its new text.")
        return redirect("claims:article_revise", article_id=article.pk)
    try:
        archived = fetch_article_page(article.url, by=request.user)
    except ArticleRejected as error:
        messages.error(request, str(error))
        return redirect("claims:article_revise", article_id=article.pk)
    return redirect("claims:article_revise_page", article_id=article.pk, page_id=archived.pk)


def _check_may_revise(request) -> None:
    if not request.user.has_perm("claims.add_article"):
        raise PermissionDenied("Only reviewers, editors and admins bring in a new version.")
