"""Template filters for user-supplied text and links, and tags for the workspace's
repeated HTML."""

from django import template
from django.forms import BoundField
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, urlize
from django.utils.safestring import mark_safe

from claims.sources.canonical import safe_link
from claims.urls_ids import reverse_ids
from claims.views import rows

register = template.Library()


@register.simple_tag
def id_url(viewname: str, *args) -> str:
    """`{% url %}` for URLs whose arguments are integer ids or fixed words, reversed once
    per pattern (claims/urls_ids.py):
    `{% id_url 'claims:claim_edit' claim.article_id claim.pk %}`."""
    return reverse_ids(viewname, *args)


@register.simple_tag
def field(bound_field) -> str:
    """A form field as the desk lays one out: its label, widget, errors and help text
    (nothing for a form that is not there)."""
    if not isinstance(bound_field, BoundField):
        return ""
    errors = bound_field.errors
    error = (
        format_html(
            '<div class="field-error" id="{}_error" role="alert">{}</div>',
            bound_field.auto_id,
            mark_safe(" ".join(conditional_escape(e) for e in errors)),  # noqa: S308 (escaped)
        )
        if errors
        else ""
    )
    help_text = bound_field.help_text
    help_html = (
        format_html('<div class="help" id="{}_helptext">{}</div>', bound_field.auto_id, help_text)
        if help_text
        else ""
    )
    return format_html(
        '<div class="field{}">\n  <label for="{}">{}</label>\n  {}\n  {}\n  {}\n</div>\n',
        " has-error" if errors else "",
        bound_field.id_for_label,
        bound_field.label,
        bound_field,
        error,
        help_html,
    )


@register.simple_tag(takes_context=True)
def citation_items(context, citations) -> str:
    """The claim panel's cited sources (claims.views.rows.citation_item), with the
    section's claim, whether the user may edit it, the sources that may be fetched again
    and the page's CSRF token."""
    can_edit = bool(context.get("can_edit"))
    csrf_input = ""
    if can_edit:  # only an editor gets forms: the token is not read (nor its cookie set) else
        token = context.get("csrf_token")
        if token and token != "NOTPROVIDED":  # noqa: S105 (what Django sets for no token)
            csrf_input = format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
            )
    fetchable = context.get("fetchable_sources") or ()
    return mark_safe(  # noqa: S308 (every value escaped by rows.citation_item)
        "\n".join(
            rows.citation_item(
                citation,
                claim=context["claim"],
                can_edit=can_edit,
                fetchable=fetchable,
                csrf_input=csrf_input,
            )
            for citation in citations
        )
    )


@register.simple_tag
def source_choices(sources, picked=None) -> str:
    """The library search's results to pick from (claims.views.rows.source_choices)."""
    return mark_safe(rows.source_choices(sources, picked))  # noqa: S308 (escaped there)


@register.filter
def safe_href(url: str) -> str:
    """The URL if it may be a link (http/https), else empty: auto-escaping does not stop
    href="javascript:...", so every user-supplied href goes through this."""
    return safe_link(url)


@register.filter(needs_autoescape=True)
def plain_text(text: str, autoescape: bool = True) -> str:
    """Plain text shown safely: escaped, http(s) links made clickable, line breaks kept."""
    if autoescape:
        return rows.plain_text(text)
    return linebreaksbr(urlize(text or "", nofollow=True, autoescape=False), autoescape=False)


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
