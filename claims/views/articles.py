"""Articles: the list and importing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from claims.forms import (
    ArticleImportForm,
)
from claims.importing import ArticleRejected, import_article
from claims.models import (
    Article,
    ClaimStatus,
)
from claims.views.workspace import HtmxHttpRequest


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
    if not request.user.has_perm("claims.add_article"):
        raise PermissionDenied("Only reviewers, editors and admins import articles.")
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
