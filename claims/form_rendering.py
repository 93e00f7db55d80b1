"""Form widgets written in Python: the same HTML as Django's widget templates, without
the template engine.

The claim panel shows sixteen widgets (three rating menus among them, each option an
included template); rendered through templates they were a fifth of the panel's time.
Inputs, text areas, menus of plain options and a list's single radio buttons or
checkboxes (as a form lays them out one by one) are written here from the context the
widget itself prepares (`Widget.get_context`), so values, choices and attributes are
Django's own; every other template (the admin's widgets, a whole list of radio buttons, a
form's layout) goes to Django's renderer. tests/test_form_rendering.py checks the output is the
templates' to the character, and that no template of the project overrides one of the
widget templates written here (such an override would be silently bypassed).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "search",
        "tel",
        "color",
        "date",
        "datetime",
        "time",
        "checkbox",
    )
)
OPTION = f"{WIDGETS}select_option.html"
# One radio button or checkbox of a list (BoundWidget.tag, as the citation form's stances).
INPUT_OPTIONS = frozenset({f"{WIDGETS}radio_option.html", f"{WIDGETS}checkbox_option.html"})


def _text(value) -> str:
    """What `{{ value|stringformat:'s' }}` writes: the value as text, escaped unless safe."""
    return conditional_escape(value if isinstance(value, str) else f"{value}")


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html: the input, in its label if it wraps one."""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            # The option template ends with a new line, kept where it is included.
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_widget(template_name: str, context: dict) -> str | None:
    """The widget's HTML, or None where Django's template should write it."""
    widget = context.get("widget")
    if not isinstance(widget, dict) or widget.get("template_name") != template_name:
        return None
    if template_name in INPUTS:
        return _input(widget)
    if template_name in INPUT_OPTIONS:
        return _input_option(widget)
    if template_name == f"{WIDGETS}textarea.html":
        return _textarea(widget)
    if template_name == f"{WIDGETS}select.html":
        return _select(widget)
    return None


class DeskFormRenderer(DjangoTemplates):
    """Django's renderer, with the common widgets written in Python (FORM_RENDERER)."""

    def render(self, template_name, context, request=None):
        html = render_widget(template_name, context)
        if html is None:
            return super().render(template_name, context, request=request)
        return mark_safe(html)  # noqa: S308 (every value above is escaped)
