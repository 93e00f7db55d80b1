"""An article's versions: what changed in each, bringing in a new one (pasted, or its URL
fetched again through the same fetch, extraction and preview as an import), queueing a check
of its page now, and resolving a claim a revision flagged."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import resolving
from claims.editing import EditConflict, EditRefused
from claims.forms import ArticleRevisionForm, DismissForm, ReanchorForm, VersionedForm
from claims.highlighting import quote_context
from claims.importing import ArticleRejected
from claims.models import ArchivedPage, Article, ArticleVersion, Claim
from claims.page_import import article_draft, fetch_article_page
from claims.permissions import NotAllowed, can_revise_article, is_reviewer
from claims.refetch import CheckRefused, queue_check
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
            "flagged": Claim.objects.filter(article=article).flagged().order_by("pk"),
            "may_revise": can_revise_article(request.user),
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
    if not can_revise_article(request.user):
        raise PermissionDenied("Only reviewers, editors and admins bring in a new version.")


@require_POST
@login_required
def article_check(request: HtmxHttpRequest, article_id: int):
    """Queue a check of the article's page for a new version now (the worker runs it)."""
    article = get_object_or_404(Article.objects.select_related("archived_page"), pk=article_id)
    try:
        queued = queue_check(article, by=request.user)
    except CheckRefused as error:
        messages.error(request, str(error))
    else:
        if queued:
            messages.success(request, "A check of the article's page is queued.")
        else:
            messages.info(request, "A check of the article's page is already under way.")
    return redirect(article)


# Resolving a flagged claim --------------------------------------------------------------

RESOLVE_FORMS = {"reanchor": ReanchorForm, "keep": VersionedForm, "dismiss": DismissForm}
CONTEXT_CHARS = 300  # of the claim's earlier version shown around its words
RESOLVED = {
    "reanchor": "The claim is anchored in the new text.",
    "keep": "The claim stays on the version it was checked on.",
    "dismiss": "The claim is dismissed and no longer flagged.",
}


@require_http_methods(["GET", "POST"])
@login_required
def claim_resolve(request: HtmxHttpRequest, article_id: int, claim_id: int):
    """A flagged claim's earlier words, in the version they were found in, beside the
    article's current text; and the ways of resolving it this user may take."""
    if not is_reviewer(request.user):
        raise PermissionDenied("Only reviewers and editors resolve flagged claims.")
    claims = Claim.objects.select_related("article", "assignee")
    claim = get_object_or_404(claims, pk=claim_id, article_id=article_id)
    forms = {name: form(initial={"version": claim.version}) for name, form in RESOLVE_FORMS.items()}
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in RESOLVE_FORMS:
            return HttpResponseBadRequest("No such way of resolving a claim.")
        form = forms[action] = RESOLVE_FORMS[action](request.POST)
        try:
            if not form.is_valid():
                raise EditRefused("Correct the form below.")
            resolved = _resolved(action, claim, request.user, form.cleaned_data)
        except NotAllowed as refusal:
            error, status = str(refusal), 403
        except EditRefused as refusal:
            error, status = str(refusal), 422
        except EditConflict as conflict:
            claim = conflict.current
            forms = {n: f(initial={"version": claim.version}) for n, f in RESOLVE_FORMS.items()}
            error, status = "Someone changed this claim meanwhile: here it is as it is now.", 409
        else:
            messages.success(request, RESOLVED[action])
            return redirect(resolved)
    return render(
        request,
        "claims/claim_resolve.html",
        _resolve_context(request, claim, forms, error),
        status=status,
    )


def _resolved(action: str, claim: Claim, by, data: dict) -> Claim:
    if action == "reanchor":
        return resolving.reanchor(
            claim,
            by=by,
            version=data["version"],
            quote=data["quote"],
            start_utf16=data["start"],
            end_utf16=data["end"],
        )
    if action == "keep":
        return resolving.keep_on_version(claim, by=by, version=data["version"])
    return resolving.dismiss_flagged(claim, by=by, version=data["version"], reason=data["reason"])


def _resolve_context(request, claim: Claim, forms: dict, error: str) -> dict:
    """The claim's words with their context in the version they were found in."""
    found_in = (
        ArticleVersion.objects.filter(article_id=claim.article_id, body_hash=claim.anchor_hash)
        .order_by("-number")
        .first()
    )
    if found_in is not None and found_in.body[claim.start : claim.end] == claim.quote:
        text = found_in.body
        before, after = text[max(0, claim.start - CONTEXT_CHARS) : claim.start], text[claim.end :]
        context = quote_context(
            before,
            after[:CONTEXT_CHARS],
            more_before=claim.start > CONTEXT_CHARS,
            more_after=len(after) > CONTEXT_CHARS,
        )
    else:  # its version is gone: the quote selector's own context
        context = quote_context(claim.prefix, claim.suffix, more_before=True, more_after=True)
    return {
        "claim": claim,
        "article": claim.article,
        "found_in": found_in,
        "context": context,
        "forms": forms,
        "refusals": resolving.refusals(request.user, claim),
        "error": error,
    }
