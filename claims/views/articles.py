"""Articles: the list and importing one (pasted text, a text file, a URL or a saved page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.forms import (
    ArticleImportForm,
    ArticlePageForm,
    ArticlePreviewForm,
)
from claims.importing import ArticleRejected, import_article
from claims.models import (
    ArchivedPage,
    Article,
    ClaimStatus,
)
from claims.page_import import article_draft, fetch_article_page, upload_article_page
from claims.sources.archive import ArchiveUnreadable, archived_content
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
    _check_may_import(request)
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
            return _imported(request, result)
    return render(
        request, "claims/article_form.html", {"form": form, "page_form": ArticlePageForm()}
    )


@require_POST
@login_required
def article_fetch(request: HtmxHttpRequest):
    """Fetch (or take the uploaded) page and keep it; the preview reads the article from it."""
    _check_may_import(request)
    page_form = ArticlePageForm(request.POST, request.FILES)
    if page_form.is_valid():
        url, page = page_form.cleaned_data["url"], page_form.cleaned_data["page"]
        try:
            if url:
                archived = fetch_article_page(url, by=request.user)
            else:
                archived = upload_article_page(page.read(), filename=page.name, by=request.user)
        except ArticleRejected as error:
            page_form.add_error("url" if url else "page", str(error))
        else:
            return redirect("claims:article_preview", page_id=archived.pk)
    return render(
        request, "claims/article_form.html", {"form": ArticleImportForm(), "page_form": page_form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def article_preview(request: HtmxHttpRequest, page_id: int):
    """What the desk read from the page, for the reviewer to correct, then the import."""
    _check_may_import(request)
    archived = get_object_or_404(ArchivedPage, pk=page_id, created_by=request.user)
    try:
        draft = article_draft(archived)
    except ArticleRejected as error:
        messages.error(request, str(error))
        return redirect("claims:article_create")
    initial = {
        "title": draft.title,
        "url": draft.url,
        "author": draft.author,
        "published_on": draft.published_on,
        "body": draft.body,
    }
    form = ArticlePreviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = import_article(
                body=data["body"],
                title=data["title"],
                url=data["url"],
                author=data["author"],
                published_on=data["published_on"],
                archived_page=archived,
                by=request.user,
            )
        except ArticleRejected as error:
            form.add_error(None, str(error))
        else:
            return _imported(request, result)
    return render(request, "claims/article_preview.html", {"form": form, "draft": draft})


def _check_may_import(request) -> None:
    if not request.user.has_perm("claims.add_article"):
        raise PermissionDenied("Only reviewers, editors and admins import articles.")


def _imported(request, result):
    if result.created:
        messages.success(request, f"Imported with {result.claims_created} proposed claims.")
    else:
        messages.info(request, "This text was already imported; here it is.")
    return redirect(result.article)


# The desk's copy of a page is shown as it was kept, but never allowed to act: a sandbox
# without scripts, forms or plugins, and nothing loaded from elsewhere (no tracking of the
# reviewer by the original site, no mixed content).
ARCHIVE_CSP = {
    "sandbox": True,  # no allow-* token: no scripts, forms, popups or same-origin access
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "form-action": ["'none'"],
    "base-uri": ["'none'"],
}


@require_GET
@login_required
@csp_override(ARCHIVE_CSP)
def archived_page(request: HtmxHttpRequest, page_id: int):
    """The desk's archived copy of a page, read-only and inert, on its own path."""
    archived = get_object_or_404(ArchivedPage, pk=page_id)
    return archived_response(archived, cache_control="private, max-age=3600")


def archived_response(archived: ArchivedPage, *, cache_control: str) -> HttpResponse:
    """The page's bytes as kept; the view serving it sets ARCHIVE_CSP."""
    try:
        content = archived_content(archived)
    except ArchiveUnreadable as error:
        raise Http404(str(error)) from error
    charset = f"; charset={content.charset}" if content.charset else ""
    response = HttpResponse(content.body, content_type=f"text/html{charset}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = cache_control
    return response
