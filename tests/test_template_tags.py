"""The desk's template tags that stand in for slower built-ins: `id_url` gives `{% url %}`'s
URLs, `field` the layout the desk's forms had from an included template."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from claims.templatetags.desk import field, source_choices
from claims.urls_ids import reverse_ids


@pytest.mark.parametrize(
    ("viewname", "args"),
    [
        ("claims:article_list", ()),
        ("logout", ()),
        ("claims:claim_detail", (3, 41)),
        ("claims:claim_edit", (7, 7)),  # the same id twice
        ("claims:claim_transition", (12, 1234567, "send_back")),
        ("claims:claim_section", (1, 2, "checked-before")),
        ("claims:source_refresh", (5, 9, 987)),
        ("claims:archived_page", (10,)),
        ("public:fact_check", (88,)),
        ("claims:article_detail", (987_654_321_000,)),  # a stand-in's own value
    ],
)
def test_reverse_ids_is_reverse(viewname, args):
    assert reverse_ids(viewname, *args) == reverse(viewname, args=args)
    assert reverse_ids(viewname, *args) == reverse(viewname, args=args)  # from the kept pattern


@pytest.mark.parametrize(
    "args",
    [(987_654_321_001, 5), (19_876_543_210_011, 5), (5, 987_654_321_000), (987_654_321_000,) * 2],
)
def test_reverse_ids_with_ids_that_contain_a_stand_in(args):
    """An id's digits may hold a stand-in number: the ids are joined in, never searched."""
    assert reverse_ids("claims:claim_detail", *args) == reverse("claims:claim_detail", args=args)


def test_reverse_ids_follows_the_script_prefix():
    try:
        set_script_prefix("/desk/")
        assert reverse_ids("claims:claim_detail", 1, 2) == "/desk/articles/1/claims/2/"
    finally:
        set_script_prefix("/")
    assert reverse_ids("claims:claim_detail", 1, 2) == "/articles/1/claims/2/"


def test_reverse_ids_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        reverse_ids("claims:claim_transition", 1, 2, "not a slug")
    with pytest.raises(NoReverseMatch):
        reverse_ids("claims:claim_detail", 1, None)
    with pytest.raises(NoReverseMatch):
        reverse_ids("claims:claim_detail", -5, 3)  # as reverse(): not an id


def test_id_url_tag():
    rendered = Template(
        "{% load desk %}{% id_url 'claims:claim_transition' claim.article_id claim.pk 'dismiss' %}"
        "|{% id_url 'claims:claim_detail' 3 4 as link %}{{ link }}"
    ).render(Context({"claim": {"article_id": 5, "pk": 6}}))
    assert rendered == "/articles/5/claims/6/do/dismiss/|/articles/3/claims/4/"


class Sample(forms.Form):
    title = forms.CharField(label="Title <b>", help_text="Say <em>what</em> it is", max_length=5)
    note = forms.CharField(required=False, widget=forms.Textarea)

    def clean(self):
        raise forms.ValidationError("Whole form & wrong")


def test_field_layout():
    assert field("") == ""  # a form the context does not hold
    form = Sample(prefix="s")
    assert field(form["note"]) == (
        '<div class="field">\n  <label for="id_s-note">Note</label>\n'
        '  <textarea name="s-note" cols="40" rows="10" id="id_s-note">\n</textarea>\n'
        "  \n  \n</div>\n"
    )


@override_settings(USE_I18N=False)
def test_field_with_errors_and_help_escaped():
    form = Sample({"title": "too <long>"})
    form.is_valid()
    html = field(form["title"])
    assert html.startswith('<div class="field has-error">\n  <label for="id_title">Title &lt;b&gt;')
    assert (
        '<div class="field-error" id="id_title_error" role="alert">'
        "Ensure this value has at most 5 characters (it has 10).</div>"
    ) in html
    assert (
        '<div class="help" id="id_title_helptext">Say &lt;em&gt;what&lt;/em&gt; it is</div>' in html
    )
    assert 'value="too &lt;long&gt;"' in html


@pytest.mark.django_db
def test_source_choices():
    """The library search's results: title (or host), publisher, kind and date, escaped;
    the source picked before stays picked."""
    from claims.models import SourceKind
    from tests.factories import PublisherFactory, SourceFactory

    named = SourceFactory(
        title="Talks <resume> & go on",
        publisher=PublisherFactory(name="Reuters & Co"),
        published_on=datetime.date(2024, 2, 29),
    )
    bare = SourceFactory(title="", url="https://www.example.org/x", publisher=None)
    kind = dict(SourceKind.choices)
    html = source_choices([named, bare], picked=bare.pk)
    assert html == (
        f'<li><label class="radio"><input type="radio" name="source" value="{named.pk}"> '
        "Talks &lt;resume&gt; &amp; go on</label>\n"
        f'  <span class="muted">Reuters &amp; Co · {kind[named.kind]}, 29 Feb 2024</span></li>\n'
        f'<li><label class="radio"><input type="radio" name="source" value="{bare.pk}" checked> '
        "Untitled page on example.org</label>\n"
        f'  <span class="muted">Unknown publisher · {kind[bare.kind]}</span></li>'
    )
    assert source_choices([]) == ""


@pytest.mark.parametrize("chosen", ["news", "other", "not a kind"])
def test_kind_options_are_the_menus_loop(chosen):
    from claims.models import SourceKind
    from claims.views.rows import kind_options

    loop = Template(
        '{% for value, label in kinds %}<option value="{{ value }}"{% if value == chosen %}'
        " selected{% endif %}>{{ label }}</option>{% endfor %}"
    ).render(Context({"kinds": SourceKind.choices, "chosen": chosen}))
    assert kind_options(chosen) == loop
    assert kind_options(chosen).count(" selected") == (chosen in SourceKind.values)


@pytest.mark.django_db
def test_citation_items():
    """A cited source in the panel: escaped text and links, the publisher's rating or the
    page's own unconfirmed name, and for an editor only, the forms, each with the token."""
    from claims.models import Citation, FetchStatus, Stance
    from tests.factories import CitationFactory, ClaimFactory, PublisherFactory, SourceFactory

    claim = ClaimFactory()
    rated = SourceFactory(publisher=PublisherFactory(name="A & B", reliability="mixed"))
    unknown = SourceFactory(
        publisher=None, site_name="Page <name>", fetch_status=FetchStatus.FAILED, fetch_error="x"
    )
    CitationFactory(claim=claim, source=rated, note="See https://n.example/x <b>")
    CitationFactory(claim=claim, source=unknown, stance=Stance.CONTEXT, excerpt="")
    citations = list(Citation.objects.filter(claim=claim).order_by("pk"))
    template = Template("{% load desk %}{% citation_items citations %}")
    context = {"citations": citations, "claim": claim, "csrf_token": "TOKEN"}
    shown = template.render(Context({**context, "can_edit": False}))
    assert "A &amp; B" in shown
    assert "Mixed: use with care" in shown
    assert '<a href="https://n.example/x" rel="nofollow">' in shown
    assert "&lt;b&gt;" in shown
    assert "(the page says “Page &lt;name&gt;”; an admin has not confirmed it)" in shown
    assert "⚠ Page not fetched: x" in shown
    assert "<form" not in shown
    assert "TOKEN" not in shown
    edited = template.render(
        Context({**context, "can_edit": True, "fetchable_sources": {unknown.pk}})
    )
    refresh = reverse("claims:source_refresh", args=[claim.article_id, claim.pk, unknown.pk])
    assert edited.count(f'action="{refresh}"') == 1  # only the source that may be fetched
    assert edited.count('name="csrfmiddlewaretoken" value="TOKEN"') == 2 * 2 + 1
    delete = reverse("claims:citation_delete", args=[claim.article_id, claim.pk, citations[0].pk])
    assert f'action="{delete}"' in edited


@pytest.mark.django_db
def test_citation_items_escape_and_guard_what_users_wrote(settings):
    """Hostile values stay text, addresses that are not http(s) are not links, dates are in
    the desk's time zone, and a copied citation links to the claim it came from."""
    from django.utils import timezone

    from claims.models import Citation, FetchStatus, Source
    from tests.factories import CitationFactory, ClaimFactory, PublisherFactory, SourceFactory

    claim, earlier = ClaimFactory(), ClaimFactory()
    source = SourceFactory(
        title="<script>alert(1)</script>",
        publisher=PublisherFactory(name="<b>P</b>"),
        fetch_status=FetchStatus.FETCHED,
        fetched_at=datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC),
    )
    # Written behind the forms' backs, as an import or the admin might.
    Source.objects.filter(pk=source.pk).update(archived_url="javascript:alert(2)")
    failed = SourceFactory(fetch_status=FetchStatus.FAILED, fetch_error="<img src=x onerror=1>")
    CitationFactory(claim=claim, source=source, copied_from=earlier, excerpt="<i>words</i>")
    CitationFactory(claim=claim, source=failed)
    citations = list(Citation.objects.filter(claim=claim).order_by("pk"))
    template = Template("{% load desk %}{% citation_items citations %}")
    context = {"citations": citations, "claim": claim, "can_edit": True, "csrf_token": "T"}
    with timezone.override("Asia/Tokyo"):
        html = template.render(Context(context))
    for hostile in ("<script>", "<b>P", "<img", "<i>words", "javascript:"):
        assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "⚠ Page not fetched: &lt;img src=x onerror=1&gt;" in html
    assert "archive it in the Wayback Machine" in html  # not the javascript: copy
    assert "Page fetched 2 Jan 2026 08:30" in html  # Tokyo, nine hours ahead
    assert f'<a href="{earlier.get_absolute_url()}">an earlier check</a>' in html
