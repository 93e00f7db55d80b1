"""The widgets written in Python (claims/form_rendering.py) write what Django's widget
templates write, to the character, and leave every other template to Django."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from claims import forms as desk_forms
from claims.form_rendering import DeskFormRenderer, render_widget

TEMPLATES = DjangoTemplates()
PYTHON = DeskFormRenderer()
TRICKY = 'He said "<b>no</b>" & left\'s — ünïcode'

WIDGETS = [
    (forms.TextInput(), "q", TRICKY),
    (
        forms.TextInput(attrs={"placeholder": "Search…", "required": True, "disabled": False}),
        "q",
        None,
    ),
    (forms.TextInput(attrs={"data-x": mark_safe("<i>safe</i>")}), "q", ""),
    (forms.NumberInput(attrs={"min": 0}), "n", 12),
    (forms.HiddenInput(), "version", 3),
    (forms.HiddenInput(), "version", None),
    (forms.EmailInput(), "e", "a@b.example"),
    (
        forms.URLInput(attrs={"placeholder": "https://…", "autocomplete": "off"}),
        "u",
        "https://x.example/?a=1&b=2",
    ),
    (forms.PasswordInput(render_value=True), "p", "s3<cret"),
    (forms.DateInput(), "d", datetime.date(2026, 12, 4)),
    (forms.CheckboxInput(), "c", True),
    (forms.CheckboxInput(), "c", False),
    (forms.Textarea(attrs={"rows": 2}), "t", TRICKY),
    (forms.Textarea(), "t", ""),
    (forms.Textarea(), "t", None),
    (forms.Select(choices=[("", "Any"), ("a", "A & B"), (1, gettext_lazy("One"))]), "s", "a"),
    (forms.Select(choices=[("", "Any"), ("a", "A")]), "s", None),
    (forms.Select(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]), "s", "y"),
    (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), "m", ["a", "c"]),
    (forms.NullBooleanSelect(), "nb", True),
]


@pytest.mark.parametrize(("widget", "name", "value"), WIDGETS)
def test_each_widget_is_written_as_the_template_writes_it(widget, name, value):
    attrs = {"id": f"id_{name}", "aria-describedby": "help-1"}
    expected = widget.render(name, value, attrs=attrs, renderer=TEMPLATES)
    written = widget.render(name, value, attrs=attrs, renderer=PYTHON)
    assert written == expected
    context = widget.get_context(name, value, attrs)
    assert render_widget(widget.template_name, context) is not None


def test_other_templates_are_left_to_django():
    radio = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    context = radio.get_context("r", "a", {"id": "id_r"})
    assert render_widget(radio.template_name, context) is None
    assert radio.render("r", "a", renderer=PYTHON) == radio.render("r", "a", renderer=TEMPLATES)


@pytest.mark.parametrize(
    "widget",
    [
        forms.RadioSelect(choices=[("a", "A & <B>"), ("b", "B")]),
        forms.CheckboxSelectMultiple(choices=[("a", "A"), ("b", "B <i>")]),
    ],
)
@pytest.mark.parametrize("attrs", [{"id": "id_r"}, {}])
def test_each_option_of_a_list_is_written_as_the_template_writes_it(widget, attrs):
    """One radio button or checkbox (BoundWidget.tag and its rendering as a whole, with
    its label), as the citation form's stances are written."""
    written, expected = [], []
    for renderer, out in ((PYTHON, written), (TEMPLATES, expected)):
        bound = forms.Form(data={"r": "a"}, renderer=renderer)
        bound.fields["r"] = forms.ChoiceField(choices=widget.choices, widget=widget)
        bound.fields["r"].widget.attrs = dict(attrs)
        for option in bound["r"]:
            out.extend([option.tag(), str(option), option.tag(wrap_label=True)])
            context = {"widget": {**option.data, "wrap_label": True}}
            assert render_widget(option.template_name, context) is not None
    assert written == expected
    assert any("checked" in html for html in written)


FORMS = [
    desk_forms.ClaimCreateForm(),
    desk_forms.ClaimCreateForm(data={"quote": "<x>", "kind": "nope"}),
    desk_forms.CitationForm(),
    desk_forms.CommentForm(data={"body": TRICKY}),
    desk_forms.DismissForm(initial={"version": 2}),
    desk_forms.ClaimFilterForm(data={"q": TRICKY, "status": "accepted"}, ratings=[]),
]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: type(form).__name__)
def test_the_desk_forms_render_the_same(form, settings):
    """Whole desk forms, bound with errors or not, render the same either way."""
    form.renderer = TEMPLATES
    expected = str(form)
    form.renderer = PYTHON
    assert str(form) == expected


def test_the_desk_uses_the_python_renderer(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), DeskFormRenderer)
    finally:
        get_default_renderer.cache_clear()


def test_no_project_template_overrides_a_widget_written_in_python():
    """The widgets written in Python are Django's own templates: a project template of the
    same name would be bypassed, so there must be none."""
    from django.conf import settings

    from claims.form_rendering import INPUT_OPTIONS, INPUTS, OPTION, WIDGETS

    written = {*INPUTS, *INPUT_OPTIONS, OPTION, f"{WIDGETS}select.html", f"{WIDGETS}textarea.html"}
    roots = [settings.BASE_DIR / "templates", settings.BASE_DIR / "claims" / "templates"]
    overrides = [root / name for root in roots for name in written if (root / name).exists()]
    assert overrides == []
