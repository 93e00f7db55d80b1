"""The workspace's repeated HTML, a claim's list row and its marks in the text, written
in Python: a window shows dozens of each, and the template engine's per-row cost was most
of the page's time. Every value is escaped here; the workspace keeps a window's rows and
marked text as HTML (claims.views.workspace.ShownScreen), and the panel places a changed
claim's row with the `claim_row` tag (claims/templatetags/desk.py)."""

from html import escape

from django.urls import reverse

from claims.choices import ClaimKind, ClaimStatus, VerdictState

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
