"""A claim's panel and its sections, and editing a claim: its words, splitting, adding
one, citations, the library search, the draft verdict and comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from claims import editing
from claims.forms import (
    CitationForm,
    ClaimCreateForm,
    ClaimEditForm,
    CommentForm,
    SourceDescribeForm,
    SplitForm,
    VerdictForm,
)
from claims.models import (
    Article,
    Citation,
    Claim,
    Rating,
)
from claims.permissions import can_comment, is_reviewer
from claims.sources.canonical import UnsafeURL
from claims.sources.library import search_library
from claims.sources.tasks import queue_refresh
from claims.views.panel import (
    SECTIONS,
    UNDO_KEY,
    claim_or_404,
    conflict,
    done,
    editable_claim,
    refused,
    render_claim,
)
from claims.views.workspace import HtmxHttpRequest, default_ratings, workspace_context


@require_GET
@login_required
@vary_on_headers("HX-Request")
def claim_detail(request: HtmxHttpRequest, article_id: int, claim_id: int):
    return render_claim(request, claim_or_404(request, article_id, claim_id))


@require_GET
@login_required
@vary_on_headers("HX-Request")
def claim_section(request: HtmxHttpRequest, article_id: int, claim_id: int, section: str):
    """One section of the claim panel: alone for htmx (how history and "checked before"
    load when opened), in the whole workspace with that section open otherwise."""
    if section not in SECTIONS:
        raise Http404("No such section.")
    return render_claim(request, claim_or_404(request, article_id, claim_id), section=section)


@require_POST
@login_required
def claim_edit(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = editable_claim(request, article_id, claim_id)
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, status=422, edit_form=form, section="facts")
    try:
        editing.edit_claim(
            claim,
            by=request.user,
            version=form.cleaned_data["version"],
            statement=form.cleaned_data["statement"],
            claimant=form.cleaned_data["claimant"],
            kind=form.cleaned_data["kind"],
        )
    except editing.EditConflict as error:
        return conflict(request, claim, "edit_form", form, error.current, section="facts")
    except editing.EditRefused as error:
        form.add_error(None, str(error))
        return render_claim(request, claim, status=422, edit_form=form, section="facts")
    return done(request, claim, "Claim saved.", section="facts")


@require_POST
@login_required
def claim_split(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = editable_claim(request, article_id, claim_id)
    form = SplitForm(request.POST, claim=claim)
    if not form.is_valid():
        return render_claim(request, claim, status=422, split_form=form, section="facts")
    try:
        first, _ = editing.split_claim(
            claim, by=request.user, version=form.cleaned_data["version"], at=form.cleaned_data["at"]
        )
    except editing.EditConflict:
        return refused(
            request,
            claim,
            "The claim changed meanwhile; check it and split again.",
            section="facts",
        )
    except editing.EditRefused as error:
        return refused(request, claim, str(error), section="facts")
    messages.success(request, "Claim split in two.")
    if request.htmx:
        # The article text's marks change too: load the whole workspace again.
        return HttpResponseClientRedirect(first.get_absolute_url())
    return redirect(first)


@require_POST
@login_required
def claim_create(request: HtmxHttpRequest, article_id: int):
    article = get_object_or_404(Article.objects.select_related("archived_page"), pk=article_id)
    if not is_reviewer(request.user):
        raise PermissionDenied("Only reviewers add claims.")
    form = ClaimCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = editing.add_claim(
                article,
                by=request.user,
                quote=data["quote"],
                start_utf16=data["start"],
                end_utf16=data["end"],
                statement=data["statement"],
                claimant=data["claimant"],
                kind=data["kind"],
            )
        except editing.EditRefused as error:
            form.add_error("quote", str(error))
        else:
            messages.success(request, "Claim added.")
            return redirect(claim)
    context = workspace_context(request, article, default_ratings())
    context["create_form"] = form
    return render(request, "claims/article_detail.html", context, status=422)


@require_POST
@login_required
def citation_create(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = editable_claim(request, article_id, claim_id)
    form = CitationForm(request.POST)
    if not form.is_valid():
        # A library source the reviewer picked stays picked while they fix the rest.
        picked = form.cleaned_data.get("source")
        return render_claim(
            request,
            claim,
            status=422,
            citation_form=form,
            section="citations",
            sources=[picked] if picked else None,
            picked=picked.pk if picked else None,
        )
    data = form.cleaned_data
    try:
        source = (
            data["source"]
            or editing.source_for_url(
                data["url"], by=request.user, title=data["title"], kind=data["kind"]
            ).source
        )
        editing.cite_source(
            claim,
            by=request.user,
            source=source,
            stance=data["stance"],
            excerpt=data["excerpt"],
            note=data["note"],
        )
    except (editing.EditRefused, UnsafeURL) as error:
        form.add_error("url", str(error))
        return render_claim(request, claim, status=422, citation_form=form, section="citations")
    request.session.pop(UNDO_KEY, None)
    return done(request, claim, f"Source cited: {source}.", section="citations")


@require_POST
@login_required
def citation_delete(request: HtmxHttpRequest, article_id: int, claim_id: int, citation_id: int):
    claim = editable_claim(request, article_id, claim_id)
    citation = get_object_or_404(
        Citation.objects.select_related("source"), pk=citation_id, claim=claim
    )
    undo = editing.remove_citation(citation, by=request.user)
    request.session[UNDO_KEY] = {**undo, "claim": claim.pk, "title": str(citation.source)}
    return done(request, claim, "Citation removed.", section="citations")


@require_POST
@login_required
def source_describe(request: HtmxHttpRequest, article_id: int, claim_id: int, source_id: int):
    """A reviewer sets the title and kind of a source the claim cites."""
    claim = editable_claim(request, article_id, claim_id)
    citation = get_object_or_404(
        Citation.objects.select_related("source"), claim=claim, source_id=source_id
    )
    form = SourceDescribeForm(request.POST)
    if not form.is_valid():
        return refused(request, claim, "Choose a kind from the list.", section="citations")
    try:
        source = editing.describe_source(
            claim,
            citation.source,
            by=request.user,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
        )
    except editing.EditRefused as error:
        return refused(request, claim, str(error), section="citations")
    return done(request, claim, f"Source described: {source.display_title}.", section="citations")


@require_POST
@login_required
def citations_copy(request: HtmxHttpRequest, article_id: int, claim_id: int, earlier_id: int):
    """Reuse the evidence of a claim checked before: its citations, marked as copied."""
    claim = editable_claim(request, article_id, claim_id)
    earlier = get_object_or_404(Claim, pk=earlier_id)
    try:
        copies = editing.copy_citations(claim, earlier, by=request.user)
    except editing.EditRefused as error:
        return refused(request, claim, str(error), section="citations")
    message = (
        f"{len(copies)} citation(s) copied from the earlier check: review each one."
        if copies
        else "This claim cites every source of the earlier check already."
    )
    return done(request, claim, message, section="citations")


@require_GET
@login_required
def source_search(request: HtmxHttpRequest, article_id: int, claim_id: int):
    """Library sources matching what the reviewer types (whole words of the title or the
    publisher, or part of the URL), to pick one to cite."""
    query = request.GET.get("source_q", "").strip()[:200]
    # Asked at each keystroke: the claim only has to exist (the results show nothing of
    # it), read with the sources (found only if it does), alone if none are.
    sources = []
    if len(query) >= 2:
        sources = search_library(query, claim_id=claim_id, article_id=article_id)
    if not sources and not Claim.objects.filter(pk=claim_id, article_id=article_id).exists():
        raise Http404("No such claim.")
    return render(
        request,
        "claims/claim_panel.html#source-results",
        {"sources": sources, "source_q": query},
    )


@require_POST
@login_required
def verdict_save(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = editable_claim(request, article_id, claim_id)
    ratings = Rating.objects.default_scale()
    form = VerdictForm(request.POST, ratings=ratings)
    if not form.is_valid():
        return render_claim(request, claim, status=422, verdict_form=form, section="verdict")
    try:
        editing.save_verdict_draft(
            claim,
            by=request.user,
            rating=form.cleaned_data["rating"],
            reasoning=form.cleaned_data["reasoning"],
            version=form.cleaned_data["version"],
        )
    except editing.EditConflict as error:
        data = request.POST.copy()
        data["version"] = error.current.version if error.current else ""
        kept = VerdictForm(data, ratings=ratings)
        fresh = claim_or_404(request, article_id, claim_id)
        return render_claim(
            request, fresh, status=409, conflict=error.current, verdict_form=kept, section="verdict"
        )
    except editing.EditRefused as error:
        form.add_error("rating", str(error))
        return render_claim(request, claim, status=422, verdict_form=form, section="verdict")
    return done(request, claim, "Verdict draft saved.", section="verdict")


@require_POST
@login_required
def comment_create(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = claim_or_404(request, article_id, claim_id)
    if not can_comment(request.user, claim):
        raise PermissionDenied("You may not comment here.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, status=422, comment_form=form, section="discussion")
    editing.add_comment(claim, by=request.user, body=form.cleaned_data["body"])
    return done(request, claim, "Comment posted.", section="discussion")


@require_POST
@login_required
def source_refresh(request: HtmxHttpRequest, article_id: int, claim_id: int, source_id: int):
    """Fetch a cited source's page again (in the background)."""
    claim = claim_or_404(request, article_id, claim_id)
    if not is_reviewer(request.user):
        raise PermissionDenied("Only reviewers refresh sources.")
    citation = get_object_or_404(
        Citation.objects.select_related("source"), claim=claim, source_id=source_id
    )
    if not queue_refresh(citation.source, by=request.user):
        return refused(
            request, claim, "The page is being fetched already.", status=409, section="citations"
        )
    return done(
        request, claim, "The source's page will be fetched again in a moment.", section="citations"
    )
