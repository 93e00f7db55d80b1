"""Template filters for user-supplied text and links, and tags for the workspace's
repeated HTML."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from claims.sources.canonical import safe_link
from claims.views import rows

register = template.Library()


@register.filter
def safe_href(url: str) -> str:
    """The URL if it may be a link (http/https), else empty: auto-escaping does not stop
    href="javascript:...", so every user-supplied href goes through this."""
    return safe_link(url)


@register.filter(needs_autoescape=True)
def plain_text(text: str, autoescape: bool = True) -> str:
    """Plain text shown safely: escaped, http(s) links made clickable, line breaks kept."""
    linked = urlize(text or "", nofollow=True, autoescape=autoescape)
    return linebreaksbr(linked, autoescape=False)


@register.filter
def machine_time(value) -> str:
    """A `<time datetime>` value: ISO 8601 to the second (HTML allows at most three
    fractional digits, and `date:"c"` writes six)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


@register.simple_tag
def claim_row(claim, selected=None, oob=False) -> str:
    """A claim's row in the workspace list (claims.views.rows escapes every value)."""
    selected_pk = getattr(selected, "pk", None)
    return mark_safe(rows.claim_row(claim, selected_pk=selected_pk, oob=oob))  # noqa: S308
