"""Views of the desk: look up, validate, call one domain function, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from claims.forms import ArticleImportForm
from claims.highlighting import text_segments
from claims.importing import ArticleRejected, import_article
from claims.models import Article, Claim, ClaimStatus


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@login_required
def article_list(request: HtmxHttpRequest):
    status_counts = {
        f"count_{status}": Count("claims", filter=Q(claims__status=status))
        for status in ClaimStatus.values
    }
    articles = Article.objects.select_related("publisher").annotate(
        claim_count=Count("claims"), **status_counts
    )
    rows = [
        {
            "article": article,
            "counts": [
                (label, value, getattr(article, f"count_{value}"))
                for value, label in ClaimStatus.choices
            ],
        }
        for article in articles
    ]
    return render(request, "claims/article_list.html", {"rows": rows, "statuses": ClaimStatus})


@require_http_methods(["GET", "POST"])
@login_required
def article_create(request: HtmxHttpRequest):
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = import_article(
                body=data["text"],
                title=data["title"],
                url=data["url"],
                author=data["author"],
                published_on=data["published_on"],
                by=request.user,
            )
        except ArticleRejected as error:
            form.add_error(None, str(error))
        else:
            if result.created:
                messages.success(request, f"Imported with {result.claims_created} proposed claims.")
            else:
                messages.info(request, "This text was already imported; here it is.")
            return redirect(result.article)
    return render(request, "claims/article_form.html", {"form": form})


def _workspace_context(article: Article) -> dict:
    claims = list(article.claims.select_related("assignee").order_by("start", "end"))
    return {
        "article": article,
        "claims": claims,
        "segments": text_segments(article.body, claims),
    }


@require_GET
@login_required
def article_detail(request: HtmxHttpRequest, article_id: int):
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=article_id)
    return render(request, "claims/article_detail.html", _workspace_context(article))


@require_GET
@login_required
@vary_on_headers("HX-Request")
def claim_detail(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = get_object_or_404(
        Claim.objects.select_related("article__publisher", "assignee"),
        pk=claim_id,
        article_id=article_id,
    )
    if request.htmx:
        return render(request, "claims/article_detail.html#claim-panel", {"claim": claim})
    context = _workspace_context(claim.article)
    context["claim"] = context["selected"] = claim
    return render(request, "claims/article_detail.html", context)
