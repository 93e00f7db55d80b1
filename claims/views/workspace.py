"""The workspace: an article's text with its claims marked, the claim list and its
filters, and actions on ticked claims."""

import dataclasses
import functools
import hashlib
import time
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from claims import editing, windows, workflow
from claims.baked import BakedQuery
from claims.forms import (
    BulkForm,
    ClaimCreateForm,
    ClaimFilterForm,
)
from claims.models import (
    Article,
    Claim,
    Rating,
)
from claims.permissions import can_edit_claim, can_revise_article
from claims.refetch import last_check
from claims.roles import is_editor, is_reviewer
from claims.views import rows
from claims.views.rows import SHOWN_FIELDS


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# The default scale's ratings this process read last, under the every-article stamp it
# read them at and when: one entry (an older stamp's scale is never asked for again), read
# again after RATINGS_KEPT_SECONDS whatever the stamp (should a restored database count
# its stamps again from an earlier number).
RATINGS_KEPT_SECONDS = 600
_kept_ratings: dict[int, tuple[float, tuple[Rating, ...]]] = {}


def default_ratings(every_article_stamp: int | None = None) -> list[Rating]:
    """The default scale's ratings, in order. Given the stamp of every article (read with
    the article or claim: the database counts every change to the scale in it, migrations
    0021 and 0022), kept in this process under it (asked on every workspace and panel: a
    cache would cost more to ask than the database); never inside a transaction (its
    changes are not counted until it commits). The ratings are shared: read, never change
    them."""
    if every_article_stamp is None or connection.in_atomic_block:
        return list(Rating.objects.default_scale())
    now = time.monotonic()
    read_at, ratings = _kept_ratings.get(every_article_stamp, (0.0, ()))
    if not ratings or now - read_at > RATINGS_KEPT_SECONDS:
        ratings = tuple(Rating.objects.default_scale())
        _kept_ratings.clear()
        _kept_ratings[every_article_stamp] = (now, ratings)
    return list(ratings)


def forget_kept_ratings() -> None:
    """Forget the scale kept in this process (a test's database starts again from zero)."""
    _kept_ratings.clear()


def _linked(article: Article, claims) -> None:
    """Give each claim its address from one reverse() (a window lists dozens)."""
    zero = reverse("claims:claim_detail", args=[article.pk, 0])
    prefix = zero.removesuffix("0/")
    for claim in claims:
        claim.link = f"{prefix}{claim.pk}/"


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 9 else None


def _read_missing(article: Article, *, body: bool = False) -> None:
    """What the workspace needs of the article and was not read with it, in one query: its
    claim count and whether any is published (Article.objects.with_claim_totals), and, if
    asked, its body (left unread when the first screen will likely come from the cache)."""
    missing = ["body"] if body and "body" in article.get_deferred_fields() else []
    if not hasattr(article, "claim_total"):
        missing += ["claim_total", "has_published"]
    if missing:
        totals = Article.objects.with_claim_totals().filter(pk=article.pk)
        for name, value in zip(missing, totals.values_list(*missing).get(), strict=True):
            setattr(article, name, value)


def claims_shown(article: Article, user):
    """The article's claims as the workspace shows them to the user (claims.views.rows)."""
    return (
        Claim.objects.filter(article=article)
        .with_current_verdict(user)
        .select_related("assignee")
        .only(*SHOWN_FIELDS)
    )


def _totals(article: Article, user, filters: dict) -> dict:
    """The claim count, whether any is published, and how many the filters leave: read
    with the article where the view asked for them (Article.objects.with_claim_totals)."""
    _read_missing(article)
    matching = claims_shown(article, user).matching(**filters).count() if filters else None
    return {
        "claim_total": article.claim_total,
        "has_published": article.has_published,
        "match_total": article.claim_total if matching is None else matching,
    }


def _list_starts_at(article: Article, selected, is_filtered: bool) -> bool:
    """The list opens at the open claim's row, unless it is filtered or the article's
    claims all fit in the first window (then the list starts at the top, as it would
    without the claim open)."""
    if selected is None or is_filtered:
        return False
    _read_missing(article)
    return article.claim_total > windows.LIST_WINDOW_CLAIMS


def workspace_context(request, article: Article, ratings: list[Rating], selected=None) -> dict:
    """A window of the article text with its claims marked and a window of the (filtered)
    claim list (claims.windows): the one holding the open claim, or those the request
    names, or the first.

    Verdicts count as the user may see them: a claim they are to cross-check shows (and
    filters as) no verdict.
    """
    filter_form = ClaimFilterForm(request.GET or None, ratings=ratings)
    filters = filter_form.filters(request.user) if filter_form.is_bound else {}
    is_filtered = any(filters.values())
    if not is_filtered:
        filters = {}
    listing = windows.ListRequest(
        after=windows.parse_cursor(request.GET.get("after")),
        before=windows.parse_cursor(request.GET.get("before")),
        starting_at=(
            windows.cursor_key(selected)
            if _list_starts_at(article, selected, is_filtered)
            else None
        ),
    )
    text_number = _number(request.GET.get("text"))
    if text_number is None:
        text_number = windows.window_at(article.body, selected.start) if selected else 0
    selected_pk = selected.pk if selected else None
    screen = first_screen(request.user, article, filters, listing, text_number, selected_pk)
    return {
        "article": article,
        "text": screen.text,
        "listing": screen.listing,
        "text_html": screen.text_html,
        "rows_html": screen.rows_html,
        "filter_query": _filter_query(request),
        "filter_form": filter_form,
        "filter_selects": filter_selects(filter_form, ratings),
        "create_form": ClaimCreateForm(),
        "blank_claim_fields": blank_claim_fields(),
        "is_filtered": is_filtered,
        "page_check": last_check(article),
        "may_revise": can_revise_article(request.user),
        **_totals(article, request.user, filters),
    }


# How long a first screen stays in the cache unasked for: a stamp that moved on is never
# asked for again, so this only bounds what the cache holds.
SCREEN_CACHE_SECONDS = 600
# What a kept screen is made of, in its key: a new version of the desk that keeps another
# shape never reads an entry an older one left in a shared cache (Redis).
SCREEN_FORMAT = 2


def _screen_key(user, article: Article) -> str:
    """What the screen a workspace opens on depends on: the article's text and stamps
    (every write to what it lists moves them) and who looks (verdicts they may not see yet
    show as none)."""
    parts = (
        article.pk,
        article.body_hash,
        article.stamp,
        article.every_article_stamp,
        user.pk,
        is_reviewer(user),
        is_editor(user),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"workspace-screen:{SCREEN_FORMAT}:{digest}"


@dataclass(frozen=True)
class ShownScreen:
    """A first screen as the page shows it: the HTML of its text window and of its list
    window (claims.views.rows), with what the page says around them (where the text window
    starts and whether more text follows; the list's cursors). It holds no claims: kept in
    the cache, it is a few strings."""

    text: windows.TextWindow  # without its segments and claims
    listing: windows.ListWindow  # without its claims
    text_html: str
    rows_html: str


def shown_screen(article: Article, screen: windows.Screen, selected_pk=None) -> ShownScreen:
    _linked(article, screen.listing.claims)
    _linked(article, screen.text.claims)
    return ShownScreen(
        text=dataclasses.replace(screen.text, segments=[], claims=[]),
        listing=dataclasses.replace(screen.listing, claims=[]),
        text_html=_safe(rows.marked_text(screen.text.segments, selected_pk=selected_pk)),
        rows_html=_safe(rows.claim_rows(screen.listing.claims, selected_pk=selected_pk)),
    )


def _safe(html: str) -> str:
    return mark_safe(html)  # noqa: S308 (claims.views.rows escapes every value)


def keeps_screen(
    article: Article, filters: dict, listing: windows.ListRequest, text_number: int, selected_pk
) -> bool:
    """Whether first_screen() keeps this screen in the cache (and may find it there): the
    screen a workspace opens on (no filter, no claim open, its first windows), so that the
    cache holds one screen per article, stamp and reader, whatever addresses are asked."""
    return (
        not filters
        and selected_pk is None
        and listing == windows.ListRequest()
        and text_number == 0
        and hasattr(article, "stamp")
        and not connection.in_atomic_block
    )


def first_screen(
    user,
    article: Article,
    filters: dict,
    listing: windows.ListRequest,
    text_number: int,
    selected_pk=None,
) -> ShownScreen:
    """windows.screen() of the claims the filters leave, as the page shows it (the claim
    `selected_pk` open). Kept in the cache under the article's stamps (ArticleStamp) when
    nothing filters the list, no claim is open and the article was read with its stamps
    (Article.objects.with_stamps). Never inside a transaction: its own changes are not
    counted until it commits, and may never be."""

    def computed() -> ShownScreen:
        claims = claims_shown(article, user)
        listed = claims.matching(**filters) if filters else claims
        last = windows.window_count(article.body) - 1
        screen = windows.screen(article.body, claims, listed, listing, min(text_number, last))
        return shown_screen(article, screen, selected_pk)

    if not keeps_screen(article, filters, listing, text_number, selected_pk):
        return computed()
    key = _screen_key(user, article)
    kept = cache.get(key)
    if kept is None:
        _read_missing(article, body=True)
        kept = (computed(), article.claim_total, article.has_published)
        cache.set(key, kept, SCREEN_CACHE_SECONDS)
    # The claim totals are kept with the screen: the article's stamp counts their changes.
    screen, article.claim_total, article.has_published = kept
    return screen


def _render_blank_claim_fields() -> str:
    context = {"create_form": ClaimCreateForm()}
    return mark_safe(render_to_string("claims/article_detail.html#claim-fields", context))  # noqa: S308


_blank_claim_fields_once = functools.cache(_render_blank_claim_fields)


def blank_claim_fields() -> str:
    """The "Add a claim" form's fields, empty: the same on every page, rendered once per
    process (with DEBUG on, on every page, so template edits show; a page with the form's
    errors renders its own)."""
    return _render_blank_claim_fields() if settings.DEBUG else _blank_claim_fields_once()


FILTER_SELECTS = (
    ("status", "Status"),
    ("verdict", "Verdict"),
    ("assignee", "Assignee"),
    ("kind", "Kind"),
)


def _render_filter_selects(form: ClaimFilterForm) -> str:
    return mark_safe(  # noqa: S308 (format_html escapes; the widgets render escaped)
        "".join(
            format_html(
                '<label class="visually-hidden" for="id_{}">{}</label>{}', name, label, form[name]
            )
            for name, label in FILTER_SELECTS
        )
    )


@functools.lru_cache(maxsize=16)
def _blank_filter_selects(ratings: tuple[tuple[str, str], ...]) -> str:
    scale = [SimpleNamespace(slug=slug, label=label) for slug, label in ratings]
    return _render_filter_selects(ClaimFilterForm(ratings=scale))


def filter_selects(form: ClaimFilterForm, ratings: list[Rating]) -> str:
    """The list's filter menus. Nothing chosen, they are the same on every page of a rating
    scale: rendered once per process and scale (with DEBUG on, on every page)."""
    if form.is_bound or settings.DEBUG:
        return _render_filter_selects(form)
    return _blank_filter_selects(tuple((rating.slug, rating.label) for rating in ratings))


def _filter_query(request) -> str:
    """The request's filters as a query string, for the links to more windows."""
    kept = request.GET.copy()
    for name in ("after", "before", "text", "from"):
        kept.pop(name, None)
    return kept.urlencode()


def _workspace_article(with_totals: bool, *, article_id: int):
    articles = Article.objects.select_related("publisher", "archived_page").with_stamps()
    if with_totals:
        return articles.with_claim_totals().filter(pk=article_id)
    # The first screen will likely come from the cache, with the claim totals: the body (up
    # to a megabyte) and the count of the claims are read only if it does not.
    return articles.defer("body").filter(pk=article_id)


# Asked on every look at a workspace: built once per process (claims/baked.py).
WORKSPACE_ARTICLE = BakedQuery(_workspace_article)


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def article_detail(request: HtmxHttpRequest, article_id: int):
    """The workspace; to htmx, the window of the list or text it asked for."""
    articles = Article.objects.select_related("publisher", "archived_page")
    if request.htmx and request.GET.get("from") in ("earlier", "later"):
        return _more(request, get_object_or_404(articles, pk=article_id))
    found = WORKSPACE_ARTICLE.fetch(
        bool(request.GET or connection.in_atomic_block), article_id=article_id
    )
    if not found:
        raise Http404("No such article.")
    article = found[0]
    context = workspace_context(request, article, default_ratings(article.every_article_stamp))
    if request.htmx and request.htmx.target == "claim-list":
        return render(request, "claims/article_detail.html#claim-list", context)
    return render(request, "claims/article_detail.html", context)


def _more(request, article: Article):
    """The next window of the list (`after`/`before` a cursor) or of the text (`text`)
    that the reviewer scrolled to, in place of the link that asked for it."""
    direction = request.GET["from"]
    text_number = _number(request.GET.get("text"))
    claims_here = claims_shown(article, request.user)
    context = {"article": article, "show_earlier": direction == "earlier"}
    context["show_later"] = not context["show_earlier"]
    if text_number is not None:
        text_number = min(text_number, windows.window_count(article.body) - 1)
        start, end = windows.text_bounds(article.body, text_number)
        marked = list(windows.overlapping(claims_here, start, end))
        _linked(article, marked)
        context["text"] = windows.text_window(article.body, text_number, marked)
        context["text_html"] = _safe(rows.marked_text(context["text"].segments))
        return render(request, "claims/article_detail.html#text-window", context)
    filter_form = ClaimFilterForm(request.GET, ratings=default_ratings())
    filters = filter_form.filters(request.user)
    listing = windows.ListRequest(
        after=windows.parse_cursor(request.GET.get("after")),
        before=windows.parse_cursor(request.GET.get("before")),
    )
    if listing.after is None and listing.before is None:
        return HttpResponseBadRequest("Which claims? The link names none.")
    listed = claims_here.matching(**filters)
    context["listing"] = windows.list_window(listed, listing)
    _linked(article, context["listing"].claims)
    context["rows_html"] = _safe(rows.claim_rows(context["listing"].claims))
    context["filter_query"] = _filter_query(request)
    return render(request, "claims/article_detail.html#claim-rows", context)


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
