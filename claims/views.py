"""Views of the desk: look up, check permission, validate, call one domain function, then
render the partial for htmx or redirect (Post/Redirect/Get) otherwise."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url
from django_htmx.middleware import HtmxDetails

from claims import editing, workflow
from claims.canonical import UnsafeURL
from claims.evidence import doubtful_publishers, evidence_checklist, thin_evidence
from claims.forms import (
    ApproveForm,
    ArticleImportForm,
    AssignForm,
    BulkForm,
    CitationForm,
    ClaimCreateForm,
    ClaimEditForm,
    ClaimFilterForm,
    CommentForm,
    CorrectionForm,
    CrossCheckForm,
    DismissForm,
    SendBackForm,
    SplitForm,
    VerdictForm,
)
from claims.highlighting import text_segments
from claims.importing import ArticleRejected, import_article
from claims.library import queue_refresh
from claims.matching import similar_claims
from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimStatus,
    Desk,
    ExcerptCheck,
    Rating,
    Source,
    Stance,
    Verdict,
    VerdictState,
)
from claims.permissions import can_comment, can_edit_claim, is_editor, is_reviewer
from claims.timeline import claim_timeline

UNDO_KEY = "undo_citation"


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


# The workspace -----------------------------------------------------------------------


def default_ratings() -> list[Rating]:
    return list(Rating.objects.filter(scale__is_default=True))


def workspace_context(request, article: Article, ratings: list[Rating]) -> dict:
    """The article text with every claim marked, and the filtered claim list."""
    filter_form = ClaimFilterForm(request.GET or None, ratings=ratings)
    all_claims = list(
        Claim.objects.filter(article=article)
        .with_current_verdict()
        .select_related("assignee")
        .order_by("start", "end")
    )
    filters = filter_form.filters(request.user) if filter_form.is_bound else {}
    if any(filters.values()):
        shown = set(
            Claim.objects.filter(article=article)
            .with_current_verdict()
            .matching(**filters)
            .values_list("pk", flat=True)
        )
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
    }


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def article_detail(request: HtmxHttpRequest, article_id: int):
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=article_id)
    context = workspace_context(request, article, default_ratings())
    if request.htmx and request.htmx.target == "claim-list":
        return render(request, "claims/article_detail.html#claim-list", context)
    return render(request, "claims/article_detail.html", context)


def _claim_or_404(article_id: int, claim_id: int) -> Claim:
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
        fresh = _claim_or_404(claim.article_id, claim.pk)
        return render_claim(request, fresh, flash=message)
    messages.success(request, message)
    return redirect(claim)


def refused(request, claim: Claim, message: str, *, status=422, **overrides) -> HttpResponse:
    fresh = _claim_or_404(claim.article_id, claim.pk)
    return render_claim(request, fresh, status=status, error=message, **overrides)


def conflict(request, claim: Claim, form_name: str, form, current) -> HttpResponse:
    """Show both versions and keep the user's text; the next save overwrites knowingly."""
    data = form.data.copy()
    data["version"] = current.version
    kept = type(form)(data)
    fresh = _claim_or_404(claim.article_id, claim.pk)
    return render_claim(request, fresh, status=409, conflict=current, **{form_name: kept})


def _editable(request, article_id: int, claim_id: int) -> Claim:
    claim = _claim_or_404(article_id, claim_id)
    if not can_edit_claim(request.user, claim):
        raise PermissionDenied("You may not change this claim.")
    return claim


@require_GET
@login_required
@vary_on_headers("HX-Request")
def claim_detail(request: HtmxHttpRequest, article_id: int, claim_id: int):
    return render_claim(request, _claim_or_404(article_id, claim_id))


@require_POST
@login_required
def claim_edit(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = _editable(request, article_id, claim_id)
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, status=422, edit_form=form)
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
        return conflict(request, claim, "edit_form", form, error.current)
    except editing.EditRefused as error:
        form.add_error(None, str(error))
        return render_claim(request, claim, status=422, edit_form=form)
    return done(request, claim, "Claim saved.")


@require_POST
@login_required
def claim_split(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = _editable(request, article_id, claim_id)
    form = SplitForm(request.POST, claim=claim)
    if not form.is_valid():
        return render_claim(request, claim, status=422, split_form=form)
    try:
        first, _ = editing.split_claim(
            claim, by=request.user, version=form.cleaned_data["version"], at=form.cleaned_data["at"]
        )
    except editing.EditConflict:
        return refused(request, claim, "The claim changed meanwhile; check it and split again.")
    except editing.EditRefused as error:
        return refused(request, claim, str(error))
    messages.success(request, "Claim split in two.")
    if request.htmx:
        # The article text's marks change too: load the whole workspace again.
        return HttpResponseClientRedirect(first.get_absolute_url())
    return redirect(first)


@require_POST
@login_required
def claim_create(request: HtmxHttpRequest, article_id: int):
    article = get_object_or_404(Article, pk=article_id)
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


# Citations ---------------------------------------------------------------------------


@require_POST
@login_required
def citation_create(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = _editable(request, article_id, claim_id)
    form = CitationForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, status=422, citation_form=form)
    data = form.cleaned_data
    try:
        source = (
            data["source"]
            or editing.source_for_url(data["url"], by=request.user, title=data["title"]).source
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
        return render_claim(request, claim, status=422, citation_form=form)
    request.session.pop(UNDO_KEY, None)
    return done(request, claim, f"Source cited: {source}.")


@require_POST
@login_required
def citation_delete(request: HtmxHttpRequest, article_id: int, claim_id: int, citation_id: int):
    claim = _editable(request, article_id, claim_id)
    citation = get_object_or_404(
        Citation.objects.select_related("source"), pk=citation_id, claim=claim
    )
    undo = editing.remove_citation(citation, by=request.user)
    request.session[UNDO_KEY] = {**undo, "claim": claim.pk, "title": str(citation.source)}
    return done(request, claim, "Citation removed.")


@require_GET
@login_required
def source_search(request: HtmxHttpRequest, article_id: int, claim_id: int):
    """Library sources matching what the reviewer types, to cite one in a click."""
    claim = _claim_or_404(article_id, claim_id)
    query = request.GET.get("source_q", "").strip()[:200]
    sources = []
    if len(query) >= 2:
        sources = list(
            Source.objects.filter(
                Q(title__icontains=query)
                | Q(url__icontains=query)
                | Q(publisher__name__icontains=query)
            )
            .select_related("publisher")
            .order_by("-published_on", "title")[:8]
        )
    return render(
        request,
        "claims/article_detail.html#source-results",
        {"claim": claim, "sources": sources, "source_q": query},
    )


# Verdicts and comments ---------------------------------------------------------------


@require_POST
@login_required
def verdict_save(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = _editable(request, article_id, claim_id)
    ratings = Rating.objects.filter(scale__is_default=True)
    form = VerdictForm(request.POST, ratings=ratings)
    if not form.is_valid():
        return render_claim(request, claim, status=422, verdict_form=form)
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
        fresh = _claim_or_404(article_id, claim_id)
        return render_claim(request, fresh, status=409, conflict=error.current, verdict_form=kept)
    except editing.EditRefused as error:
        form.add_error("rating", str(error))
        return render_claim(request, claim, status=422, verdict_form=form)
    return done(request, claim, "Verdict draft saved.")


@require_POST
@login_required
def comment_create(request: HtmxHttpRequest, article_id: int, claim_id: int):
    claim = _claim_or_404(article_id, claim_id)
    if not can_comment(request.user, claim):
        raise PermissionDenied("You may not comment here.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, status=422, comment_form=form)
    editing.add_comment(claim, by=request.user, body=form.cleaned_data["body"])
    return done(request, claim, "Comment posted.")


# Workflow ----------------------------------------------------------------------------


def reviewers():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=["Reviewer", "Editor", "Admin"])
        .distinct()
        .order_by("username")
    )


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
    claim = _claim_or_404(article_id, claim_id)
    form = _transition_form(action, request.POST, Rating.objects.filter(scale__is_default=True))
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


@require_GET
@login_required
def claim_review(request, article_id: int, claim_id: int):
    return review_page(request, _claim_or_404(article_id, claim_id))


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
    waiting = []
    if is_editor(user) or Desk.current().cross_checking:
        waiting = list(
            Verdict.objects.filter(state=VerdictState.SUBMITTED)
            .exclude(author=user)
            .select_related("claim__article", "rating", "author")
            .order_by("submitted_at")
        )
        if not is_editor(user):
            waiting = [v for v in waiting if v.cross_checked_by_id is None]
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


@require_POST
@login_required
def source_refresh(request: HtmxHttpRequest, article_id: int, claim_id: int, source_id: int):
    """Fetch a cited source's page again (in the background)."""
    claim = _claim_or_404(article_id, claim_id)
    if not is_reviewer(request.user):
        raise PermissionDenied("Only reviewers refresh sources.")
    citation = get_object_or_404(
        Citation.objects.select_related("source"), claim=claim, source_id=source_id
    )
    queue_refresh(citation.source, by=request.user)
    return done(request, claim, "The source's page will be fetched again in a moment.")
