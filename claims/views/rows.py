"""The repeated HTML of the workspace and the claim panel, a claim's list row, its marks
in the text and a cited source, written in Python: a window shows dozens of rows and
marks, a panel a citation's dozen conditions, links and forms, and the template engine's
cost for each was most of the page's time. Every value is escaped here; the workspace
keeps a window's rows and marked text as HTML (claims.views.workspace.ShownScreen), and
the panel places a changed claim's row with the `claim_row` tag and its citations with
`citation_items` (claims/templatetags/desk.py)."""

import datetime
import functools
from html import escape

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import urlize
from django.utils.translation import get_language

from claims.choices import (
    ClaimKind,
    ClaimStatus,
    ExcerptCheck,
    FetchStatus,
    Reliability,
    SourceKind,
    Stance,
    VerdictState,
)
from claims.sources.canonical import safe_link
from claims.urls_ids import reverse_ids

# What a row and a mark show of a claim: the workspace reads only these (not its quote,
# context, signals or history fields: decoding every row's signals was a third of the
# first screen's query).
SHOWN_FIELDS = (
    "article",
    "start",
    "end",
    "statement",
    "claimant",
    "kind",
    "status",
    "score",
    "is_orphaned",
    "kept_on_version",
    "assignee__username",
)

# The labels a row shows, looked up once (a model's get_FOO_display() flattens its field's
# choices again on every call: two calls a row).
STATUS_LABELS = dict(ClaimStatus.choices)
KIND_LABELS = dict(ClaimKind.choices)


def _verdict_chip(claim) -> str:
    state = getattr(claim, "verdict_state", None)
    if not state:
        return ""
    if state in (VerdictState.APPROVED, VerdictState.DRAFT):
        draft = " (draft)" if state == VerdictState.DRAFT else ""
        text = f"Verdict: {escape(claim.verdict_label or '')}{draft}"
    else:
        text = f"Verdict {escape(state)}"
    return f'<span class="verdict-chip" data-state="{escape(state)}">{text}</span>\n'


def shortened(text: str, length: int) -> str:
    """The text cut to `length` characters with "…" as the last, as Django's truncatechars
    cuts it (without its care for combining marks, which a tick box's label can spare)."""
    return text if len(text) <= length else f"{text[: length - 1]}…"


def claim_row(claim, *, selected_pk=None, oob: bool = False) -> str:
    """The claim's row in the list (its tick box and the link that opens it)."""
    pk = claim.pk
    link = escape(claim.link)
    status = escape(claim.status)
    status_label = escape(STATUS_LABELS.get(claim.status, claim.status))
    chosen = " is-selected" if pk == selected_pk else ""
    swap = ' data-hx-swap-oob="true"' if oob else ""
    tick = escape(shortened(claim.statement, 40))
    claimant = escape(claim.claimant) if claim.claimant else "The article"
    assigned = f" · assigned to {escape(str(claim.assignee))}" if claim.assignee_id else ""
    return (
        f'<li class="claim-row row-{status}{chosen}" id="claim-row-{pk}"{swap}>\n'
        f'<input type="checkbox" name="claims" value="{pk}" form="bulk-form" '
        f'aria-label="Tick: {tick}">\n'
        f'<a class="claim-link" href="{link}" data-hx-get="{link}" data-hx-target="#claim-panel" '
        f'data-hx-push-url="true" data-claim="{pk}">\n'
        f'<span class="row-top">\n'
        f'<span class="status status-{status}">{status_label}</span>\n'
        f'<span class="kind">{escape(KIND_LABELS.get(claim.kind, claim.kind))}</span>\n'
        f"{_verdict_chip(claim)}"
        f'<span class="score" title="Check-worthiness">{claim.score:.2f}</span>\n'
        f"</span>\n"
        f'<span class="statement">{escape(claim.statement)}</span>\n'
        f'<span class="claimant">{claimant}{assigned}</span>\n'
        f"</a>\n"
        f"{_flag_link(claim, tick)}"
        f"</li>\n"
    )


def claim_rows(claims, *, selected_pk=None) -> str:
    """A window's rows of the list."""
    return "".join(claim_row(claim, selected_pk=selected_pk) for claim in claims)


def _flag_link(claim, tick: str) -> str:
    """A claim flagged after a revision links to the screen that resolves it."""
    if not claim.is_flagged:
        return ""
    url = escape(reverse("claims:claim_resolve", args=[claim.article_id, claim.pk]))
    return (
        f'<a class="badge warn flag-link" href="{url}">Flagged after a revision: resolve'
        f'<span class="visually-hidden"> “{tick}”</span></a>\n'
    )


def marked_text(segments, *, selected_pk=None) -> str:
    """A window's text with each claim's words as a link that opens the claim."""
    parts = []
    for segment in segments:
        text = escape(segment.text)
        if not segment.claims:
            parts.append(text)
            continue
        claim = segment.claim
        link = escape(claim.link)
        chosen = " is-selected" if claim.pk == selected_pk else ""
        anchor = f' id="mark-{claim.pk}"' if segment.is_first_of_claim else ""
        parts.append(
            f'<a class="mark mark-{escape(claim.status)}{chosen}" href="{link}" '
            f'data-claim="{claim.pk}"{anchor} data-hx-get="{link}" data-hx-target="#claim-panel" '
            f'data-hx-push-url="true" tabindex="-1">{text}</a>'
        )
    return "".join(parts)


# The claim panel's cited sources ---------------------------------------------------------
# Each citation is a dozen conditions and as many links and forms; through the template
# engine they were the largest part of the panel's time.

STANCE_LABELS = dict(Stance.choices)
SOURCE_KIND_LABELS = dict(SourceKind.choices)
RELIABILITY_LABELS = dict(Reliability.choices)
EXCERPT_CHECK_LABELS = dict(ExcerptCheck.choices)


def plain_text(text: str) -> str:
    """Plain text shown safely: escaped, http(s) links made clickable, line breaks kept."""
    return linebreaksbr(urlize(text or "", nofollow=True, autoescape=True), autoescape=False)


def kind_options(chosen: str) -> str:
    """The `<option>`s of a source's kind, `chosen` selected (a panel lists one menu a
    citation: written once per process, kind and language)."""
    return _kind_options(chosen, get_language())


@functools.lru_cache(maxsize=32)
def _kind_options(chosen: str, language: str | None) -> str:
    return "".join(
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
        f"{escape(label)}</option>"
        for value, label in SourceKind.choices
    )


def source_choices(sources, picked=None) -> str:
    """Library sources to pick one to cite, as radio buttons with their title, publisher,
    kind and date: the results of the panel's library search (asked at each keystroke)."""
    items = []
    for source in sources:
        checked = " checked" if source.pk == picked else ""
        date = f", {_day(source.published_on)}" if source.published_on else ""
        items.append(
            '<li><label class="radio"><input type="radio" name="source" '
            f'value="{int(source.pk)}"{checked}> {escape(source.display_title)}'
            '</label>\n  <span class="muted">'
            f"{escape(str(source.publisher or 'Unknown publisher'))} · "
            f"{escape(SOURCE_KIND_LABELS.get(source.kind, source.kind))}{date}</span></li>"
        )
    return "\n".join(items)


def _day(value, with_time: bool = False) -> str:
    """What `{{ value|date:"j M Y" }}` (or "j M Y H:i") writes: in the current time zone,
    nothing for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.template_localtime(value)
    return escape(date_format(value, "j M Y H:i" if with_time else "j M Y"))


def citation_item(citation, *, claim, can_edit: bool, fetchable, csrf_input: str) -> str:
    """One cited source of the claim panel: its stance, title and link, publisher and
    rating, kind, date, archived copies, fetch state, excerpt and its check, note, who
    added it; for an editor, the forms to fetch it again, describe it and remove it."""
    source = citation.source
    stance = escape(citation.stance)
    title = escape(source.display_title)
    href = safe_link(source.url)
    linked = (
        f'<a href="{escape(href)}" rel="noopener noreferrer nofollow" target="_blank">{title}</a>'
        if href
        else title
    )
    copied = ""
    if citation.copied_from_id:
        earlier = reverse_ids(
            "claims:claim_detail", citation.copied_from.article_id, citation.copied_from_id
        )
        copied = (
            f' <span class="badge warn copied">Copied from <a href="{escape(earlier)}">an '
            "earlier check</a>: review it</span>"
        )
    publisher = source.publisher
    if publisher is not None:
        rated = escape(publisher.reliability)
        by = (
            f'{escape(str(publisher))} <span class="reliability reliability-{rated}">'
            f"{escape(RELIABILITY_LABELS.get(publisher.reliability, publisher.reliability))}"
            "</span>"
        )
    else:
        by = '<span class="badge warn unknown-publisher">Unknown publisher</span>'
        if source.site_name:
            by += (
                f' <span class="muted">(the page says “{escape(source.site_name)}”; an admin '
                "has not confirmed it)</span>"
            )
    meta = [by, f"· {escape(SOURCE_KIND_LABELS.get(source.kind, source.kind))}"]
    if source.published_on:
        meta.append(f"· {_day(source.published_on)}")
    archived = ""
    if source.archived_page_id:
        page = escape(reverse_ids("claims:archived_page", source.archived_page_id))
        archived = (
            f'· <a href="{page}" target="_blank" rel="noopener">archived by the desk on '
            f"{_day(source.archived_page.captured_at)}</a> "
        )
    copy = safe_link(source.archived_url)
    if copy:
        archived += (
            f'· <a href="{escape(copy)}" rel="noopener noreferrer nofollow">archived copy</a>'
        )
    else:
        archived += (
            f'· <a href="{escape(source.wayback_save_url)}" rel="noopener noreferrer nofollow" '
            'target="_blank">archive it in the Wayback Machine</a>'
        )
    meta.append(archived)
    fetch = ""
    if source.fetch_status == FetchStatus.FAILED:
        fetch = f"⚠ Page not fetched: {escape(source.fetch_error)}"
    elif source.fetch_status == FetchStatus.PENDING:
        stuck = citation.source_id in fetchable
        fetch = "⚠ Fetching the page is taking too long." if stuck else "Fetching the page…"
    elif source.fetch_status == FetchStatus.FETCHED:
        fetch = f"Page fetched {_day(source.fetched_at, with_time=True)}"
    if citation.page_changed:
        fetch += ' <span class="badge warn">⚠ Page changed since it was cited</span>'
    ids = (claim.article_id, claim.pk)
    if can_edit and citation.source_id in fetchable:
        action = escape(reverse_ids("claims:source_refresh", *ids, citation.source_id))
        again = "Fetch page" if source.fetch_status == FetchStatus.NOT_FETCHED else "Fetch again"
        fetch += (
            f'\n<form method="post" action="{action}" data-hx-post="{action}" class="inline">'
            f'{csrf_input}<button type="submit" class="link-like">{again}<span '
            f'class="visually-hidden"> {escape(str(source))}</span></button></form>'
        )
    parts = [
        f'<li class="citation stance-{stance}" id="citation-{citation.pk}">',
        f'<div class="citation-head"><span class="stance stance-{stance}">'
        f"{escape(STANCE_LABELS.get(citation.stance, citation.stance))}</span> {linked}{copied}"
        "</div>",
        f'<div class="citation-meta">{" ".join(meta)}</div>',
        f'<div class="fetch fetch-{escape(source.fetch_status)}">{fetch}</div>',
    ]
    if citation.excerpt:
        check = citation.excerpt_check
        mark = {ExcerptCheck.FOUND: "✓ ", ExcerptCheck.NOT_FOUND: "✗ "}.get(check, "")
        parts.append(
            f'<blockquote class="excerpt">{plain_text(citation.excerpt)}</blockquote>\n'
            f'<span class="excerpt-check excerpt-{escape(check)}">{mark}'
            f"{escape(EXCERPT_CHECK_LABELS.get(check, check))}</span>"
        )
    elif citation.stance != Stance.CONTEXT:
        parts.append(
            '<p class="warning small" role="note">⚠ No excerpt: quote the words of the '
            "source that matter.</p>"
        )
    if citation.note:
        parts.append(f'<p class="note">{plain_text(citation.note)}</p>')
    added_by = escape(str(citation.added_by)) if citation.added_by_id else "unknown"
    parts.append(
        f'<p class="muted small">Added by {added_by}, {_day(citation.created_at, True)}</p>'
    )
    if can_edit:
        field = f"source-{citation.source_id}"
        describe = escape(reverse_ids("claims:source_describe", *ids, citation.source_id))
        remove = escape(reverse_ids("claims:citation_delete", *ids, citation.pk))
        parts.append(
            '<details class="describe-source"><summary>Kind and title<span '
            f'class="visually-hidden"> of {title}</span></summary>\n'
            f'<form method="post" action="{describe}" data-hx-post="{describe}" '
            f'class="stacked" novalidate>{csrf_input}\n'
            f'<div class="field"><label for="{field}-title">Title</label><input type="text" '
            f'name="title" id="{field}-title" maxlength="500" value="{escape(source.title)}">'
            "</div>\n"
            f'<div class="field"><label for="{field}-kind">Kind</label><select name="kind" '
            f'id="{field}-kind">{kind_options(source.kind)}</select></div>\n'
            '<button type="submit" class="button">Save source</button></form></details>\n'
            f'<form method="post" action="{remove}" data-hx-post="{remove}">{csrf_input}'
            '<button type="submit" class="link-like danger">Remove<span '
            f'class="visually-hidden"> citation of {escape(str(source))}</span></button>'
            "</form>"
        )
    parts.append("</li>")
    return "\n".join(parts)
