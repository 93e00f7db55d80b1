"""The claim panel, in sections: facts, citations, verdict and discussion shown at once;
history and "checked before" loaded when opened.

Each section is a partial of claims/claim_panel.html with its own context function that
asks only the queries that section needs. A change answers, for htmx, with the section it
touched, the claim's list row and the section's confirmation (out of band); without htmx,
with a redirect. A workflow step changes the claim's status, so it re-renders every
section whose content depends on it (facts, citations, verdict).
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import push_url, reswap, retarget

from claims import workflow
from claims.baked import BakedQuery
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
    Citation,
    Claim,
    Comment,
    Desk,
    Rating,
    Stance,
    Verdict,
    VerdictState,
)
from claims.permissions import can_comment, can_edit_claim, reviewers
from claims.querysets import cross_checker_id, every_article_stamp
from claims.sources.tasks import fetchable_sources
from claims.timeline import claim_timeline
from claims.views.workspace import default_ratings, workspace_context

UNDO_KEY = "undo_citation"
PANEL_TEMPLATE = "claims/claim_panel.html"
# The workflow steps offered in the verdict section, beside the verdict; the facts
# section offers the others.
VERDICT_STEPS = frozenset({"submit", "cross_check", "correct"})


def _panel_claims(whole_workspace: bool):
    claims = Claim.objects.select_related("article", "assignee")
    if whole_workspace:
        claims = claims.select_related("article__archived_page")
    else:
        # The panel and its sections show the article's title; its body (up to a megabyte)
        # and its page's last check only the whole workspace needs.
        claims = claims.defer("article__body")
    # The desk's one setting the workflow steps depend on, read with the claim, and the
    # stamp the rating scale is kept under (default_ratings).
    return claims.annotate(
        cross_checking_on=Exists(Desk.objects.filter(cross_checking=True)),
        every_article_stamp=every_article_stamp(),
    )


def _claim_shown(whole_workspace: bool, *, claim_id: int, article_id: int, checker_id=None):
    claims = _panel_claims(whole_workspace).blind_for(checker_id)
    return claims.filter(pk=claim_id, article_id=article_id)


# Asked on every look at a claim: built once per process (claims/baked.py).
CLAIM_SHOWN = BakedQuery(_claim_shown)
VERDICTS = BakedQuery(
    # In order of writing: Verdict's own ordering starts with the claim, which would join
    # the claim and its article to sort one claim's verdicts.
    lambda *, claim_id: (
        Verdict.objects.filter(claim_id=claim_id)
        .select_related(
            "rating",
            "author",
            "approved_by",
            "cross_checked_by",
            "cross_check_rating",
            "returned_by",
        )
        .order_by("created_at", "pk")
    )
)
CITATIONS = BakedQuery(
    # Not the sources' fetched page text (up to a megabyte each): the panel shows none of it.
    lambda *, claim_id: (
        Citation.objects.filter(claim_id=claim_id)
        .select_related("source__publisher", "source__archived_page", "added_by", "copied_from")
        .defer("source__page_text")
    )
)
COMMENTS = BakedQuery(
    lambda *, claim_id: Comment.objects.filter(claim_id=claim_id).select_related("author")
)


def claim_or_404(request, article_id: int, claim_id: int) -> Claim:
    """The claim, and whether the user is to cross-check it blind; for a change, with its
    current verdict as this user may see it too (the answer to a change puts the claim's
    list row back, which shows it: claims/claim_update.html). The verdict, as this user
    may see it, costs three subqueries that the ORM takes longer to build than the database
    to run, and nothing a GET answers shows it: the panel lists the claim's verdicts."""
    if request.method in ("GET", "HEAD"):
        ids = {"claim_id": claim_id, "article_id": article_id}
        checker_id = cross_checker_id(request.user)
        if checker_id is not None:
            ids["checker_id"] = checker_id
        found = CLAIM_SHOWN.fetch(not request.htmx, **ids)
        if not found:
            raise Http404("No such claim.")
        return found[0]
    claims = _panel_claims(not request.htmx).with_current_verdict(request.user)
    return get_object_or_404(claims, pk=claim_id, article_id=article_id)


def _of_claim(rows: list, claim: Claim) -> list:
    """Rows read by the claim's id, each told its claim (as claim.verdicts.all() would)."""
    for row in rows:
        row.claim = claim
    return rows


class Panel:
    """One claim's panel for one request: what several sections share, each piece loaded
    once, and only when a section being rendered needs it."""

    def __init__(self, request, claim: Claim):
        self.request = request
        self.user = request.user
        self.claim = claim

    @cached_property
    def verdicts(self) -> list[Verdict]:
        return _of_claim(VERDICTS.fetch(claim_id=self.claim.pk), self.claim)

    @cached_property
    def transitions(self) -> set[str]:
        on = getattr(self.claim, "cross_checking_on", None)
        desk = Desk.current() if on is None else Desk(cross_checking=on)
        return workflow.available_transitions(self.user, self.claim, self.verdicts, desk)

    @cached_property
    def blind(self) -> bool:
        """A cross-checker rates blind: no verdict, rating, timeline or earlier check of
        the same words until they have recorded their own rating (the rule is
        `VerdictQuerySet.awaiting_cross_check_by`)."""
        return self.claim.blind

    @cached_property
    def can_edit(self) -> bool:
        return can_edit_claim(self.user, self.claim)

    @cached_property
    def ratings(self) -> list[Rating]:
        return default_ratings(getattr(self.claim, "every_article_stamp", None))


def facts_context(panel: Panel) -> dict:
    """The claim's words, claimant, kind and score; editing, splitting; workflow steps."""
    claim = panel.claim
    return {
        "can_edit": panel.can_edit,
        "claim_steps": panel.transitions - VERDICT_STEPS,
        # States shown instead of a button (a cross-check pending before approval).
        "waiting": panel.transitions.waiting,
        "edit_form": ClaimEditForm(
            initial={
                "statement": claim.statement,
                "claimant": claim.claimant,
                "kind": claim.kind,
                "version": claim.version,
            }
        ),
        "split_form": SplitForm(claim=claim, initial={"version": claim.version}),
        # The forms of the steps offered: the others are never shown.
        "dismiss_form": (
            DismissForm(initial={"version": claim.version})
            if "dismiss" in panel.transitions
            else None
        ),
        "assign_form": AssignForm(reviewers=reviewers()) if "assign" in panel.transitions else None,
        "send_back_form": SendBackForm() if "send_back" in panel.transitions else None,
    }


def citations_context(panel: Panel) -> dict:
    """The cited sources with their stance tally and evidence warnings; the cite form."""
    citations = _of_claim(CITATIONS.fetch(claim_id=panel.claim.pk), panel.claim)
    undo = panel.request.session.get(UNDO_KEY)
    return {
        "can_edit": panel.can_edit,
        "citations": citations,
        "stance_counts": {
            stance: sum(1 for c in citations if c.stance == stance) for stance in Stance.values
        },
        "doubtful": doubtful_publishers(citations),
        "thin_evidence": thin_evidence(citations) if citations else [],
        "undo": undo if undo and undo.get("claim") == panel.claim.pk else None,
        # Sources with no fetch under way, or one stuck past its time: "Fetch again".
        "fetchable_sources": fetchable_sources(c.source for c in citations),
        # No stance chosen in advance: the reviewer says what the source does.
        "citation_form": CitationForm(),
    }


def verdict_context(panel: Panel) -> dict:
    """The verdicts this user may see, their draft (or what came back), the verdict's
    workflow steps: submit, cross-check, correct."""
    user = panel.user
    mine = [v for v in panel.verdicts if v.author_id == user.pk]
    draft = next((v for v in reversed(mine) if v.state == VerdictState.DRAFT), None)
    returned = next((v for v in reversed(mine) if v.state == VerdictState.RETURNED), None)
    prefill = draft or returned
    # The forms validate against the scale's ratings but render the list already loaded.
    ratings = Rating.objects.filter(pk__in=[r.pk for r in panel.ratings])
    forms = {
        "verdict_form": VerdictForm(
            ratings=ratings,
            initial={
                "rating": prefill.rating_id if prefill else None,
                "reasoning": prefill.reasoning if prefill else "",
                "version": draft.version if draft else None,
            },
        ),
        # The forms of the steps offered: the others are never shown.
        "cross_check_form": (
            CrossCheckForm(ratings=ratings) if "cross_check" in panel.transitions else None
        ),
        "correct_form": CorrectionForm(ratings=ratings) if "correct" in panel.transitions else None,
    }
    choices = [("", "Choose a rating")] + [(r.pk, r.label) for r in panel.ratings]
    for form in forms.values():
        if form is not None:
            form.fields["rating"].choices = choices
    shown = [v for v in panel.verdicts if v.state != VerdictState.DRAFT or v.author_id == user.pk]
    return {
        "can_edit": panel.can_edit,
        "transitions": panel.transitions,
        "blind": panel.blind,
        "verdicts": [] if panel.blind else shown,
        "draft": draft,
        "returned": returned if draft is None else None,
        **forms,
    }


def discussion_context(panel: Panel) -> dict:
    return {
        "can_comment": can_comment(panel.user, panel.claim),
        "comments": _of_claim(COMMENTS.fetch(claim_id=panel.claim.pk), panel.claim),
        "comment_form": CommentForm(),
    }


def history_context(panel: Panel) -> dict:
    """Every recorded change to the claim, its citations and verdicts (not while blind)."""
    return {
        "blind": panel.blind,
        "history_loaded": True,
        "timeline": [] if panel.blind else claim_timeline(panel.claim),
    }


def checked_before_context(panel: Panel) -> dict:
    """Claims of other articles saying the same, with their verdicts and how many sources
    they cite, to reuse (not while blind)."""
    earlier = [] if panel.blind else similar_claims(panel.claim)
    counts = dict(
        Citation.objects.filter(claim__in=[c.pk for c in earlier])
        .values_list("claim")
        .annotate(count=Count("pk"))
        if earlier
        else []
    )
    for other in earlier:
        other.citation_count = counts.get(other.pk, 0)
    return {
        "blind": panel.blind,
        "can_edit": panel.can_edit,
        "checked_before_loaded": True,
        "checked_before": earlier,
    }


SECTIONS = {
    "facts": facts_context,
    "citations": citations_context,
    "verdict": verdict_context,
    "discussion": discussion_context,
    "history": history_context,
    "checked-before": checked_before_context,
}
SHOWN = ("facts", "citations", "verdict", "discussion")
LOADED_WHEN_OPENED = ("history", "checked-before")
# A workflow step changes the status, who may edit and the verdicts' states.
WORKFLOW_SECTIONS = ("facts", "citations", "verdict")
# The sections loaded when opened that a change in a section makes stale: they are put
# back unloaded, so that opening them again shows the change.
STALE_AFTER = {
    "facts": LOADED_WHEN_OPENED,  # a new statement matches other claims
    "citations": ("history",),
    "verdict": ("history",),
    "discussion": (),
}


def section_template(name: str) -> str:
    return f"{PANEL_TEMPLATE}#{name}"


def panel_context(panel: Panel, sections, *, unloaded=(), note: dict | None = None) -> dict:
    """The context of the given sections, plus the closed (unloaded) lazy sections."""
    context = {"claim": panel.claim, "note": note or {}}
    for name in sections:
        context.update(SECTIONS[name](panel))
    if unloaded:
        context["blind"] = panel.blind
    return context


def render_claim(
    request,
    claim: Claim,
    *,
    status: int = 200,
    section: str | None = None,
    flash: str = "",
    error: str = "",
    **overrides,
) -> HttpResponse:
    """The claim as the request needs it.

    Without htmx: the whole workspace with the panel open (and `section` loaded if it is
    one loaded when opened). With htmx, a GET: the whole panel, or just `section`. With
    htmx, a change: `section` (none means a workflow step: the sections it changes) with
    the confirmation `flash` or the `error` in it, the list row and the stale sections.
    """
    panel = Panel(request, claim)
    overrides = {key: value for key, value in overrides.items() if value is not None}
    if not request.htmx:
        return _whole_workspace(request, panel, section, status, flash, error, overrides)
    if request.method == "GET" and section is None:
        context = panel_context(panel, SHOWN, unloaded=LOADED_WHEN_OPENED) | overrides
        return render(request, PANEL_TEMPLATE, context, status=status)
    if request.method == "GET":
        context = panel_context(panel, (section,)) | overrides
        return render(request, section_template(section), context, status=status)
    return _changed_sections(request, panel, section, status, flash, error, overrides)


def _whole_workspace(request, panel, section, status, flash, error, overrides):
    loaded = (section,) if section in LOADED_WHEN_OPENED else ()
    note = {"section": section or "facts", "flash": flash, "error": error}
    context = panel_context(panel, SHOWN + loaded, unloaded=LOADED_WHEN_OPENED, note=note)
    context.update(overrides)
    context.update(
        workspace_context(request, panel.claim.article, panel.ratings, selected=panel.claim)
    )
    context["selected"] = panel.claim
    return render(request, "claims/article_detail.html", context, status=status)


def _changed_sections(request, panel, section, status, flash, error, overrides):
    """The section a change touched in place of its old self; out of band, the other
    sections it changed, the lazy sections it made stale, every section's confirmation
    (all but this one's emptied) and the claim's list row."""
    if section is None:
        changed, stale = WORKFLOW_SECTIONS, LOADED_WHEN_OPENED
        # The confirmation goes to the section whose form was sent, as htmx names it.
        asked = (request.htmx.target or "").removeprefix("claim-").removesuffix("-body")
        section = asked if asked in WORKFLOW_SECTIONS else "facts"
    else:
        changed, stale = (section,), STALE_AFTER[section]
    if status != 200:
        stale = ()  # refused: nothing changed
    note = {"section": section, "flash": flash, "error": error}
    context = panel_context(panel, changed, unloaded=stale, note=note) | overrides
    context.update(
        {
            "replacing": section_template(section),
            "out_of_band": [section_template(name) for name in changed if name != section]
            + [section_template(name) for name in stale],
            "status_sections": SHOWN,
        }
    )
    response = render(request, "claims/claim_update.html", context, status=status)
    target = f"claim-{section}-body"
    if request.htmx.target != target:
        # A form that names another target (or none) still gets its section replaced.
        response = reswap(retarget(response, f"#{target}"), "outerHTML")
    return push_url(response, panel.claim.get_absolute_url()) if status == 200 else response


def done(request, claim: Claim, message: str, *, section: str | None = None) -> HttpResponse:
    """After a successful change: the fresh section(s) for htmx, a redirect otherwise."""
    if request.htmx:
        fresh = claim_or_404(request, claim.article_id, claim.pk)
        return render_claim(request, fresh, section=section, flash=message)
    messages.success(request, message)
    return redirect(claim)


def refused(
    request, claim: Claim, message: str, *, status=422, section: str | None = None, **overrides
) -> HttpResponse:
    fresh = claim_or_404(request, claim.article_id, claim.pk)
    return render_claim(request, fresh, status=status, section=section, error=message, **overrides)


def conflict(
    request, claim: Claim, form_name: str, form, current, *, section: str | None = None
) -> HttpResponse:
    """Show both versions and keep the user's text; the next save overwrites knowingly."""
    data = form.data.copy()
    data["version"] = current.version
    kept = type(form)(data)
    fresh = claim_or_404(request, claim.article_id, claim.pk)
    return render_claim(
        request, fresh, status=409, section=section, conflict=current, **{form_name: kept}
    )


def editable_claim(request, article_id: int, claim_id: int) -> Claim:
    claim = claim_or_404(request, article_id, claim_id)
    if not can_edit_claim(request.user, claim):
        raise PermissionDenied("You may not change this claim.")
    return claim
