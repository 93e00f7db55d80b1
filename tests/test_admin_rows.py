"""The admin lists that write their own rows (claims/admin_lists.py) write what Django's
`items_for_result` writes, to the character, for every kind of column, and the page shows
them."""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.core.exceptions import ObjectDoesNotExist
from django.test import RequestFactory
from django.urls import reverse

from claims.admin import SourceAdmin
from claims.admin_lists import PlainCheckboxMixin, PresetLinksMixin
from claims.models import Publisher, Source, SourceKind
from tests.factories import CitationFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources():
    rated = PublisherFactory(name="Reuters & <Co>", reliability="reliable")
    made = [
        SourceFactory(title="Ceasefire <b>talks</b> & more", publisher=rated),
        SourceFactory(
            title="", url="https://b.example/ceasefire", published_on=None, publisher=None
        ),
        SourceFactory(title="Ceasefire report", kind=SourceKind.choices[-1][0]),
    ]
    made[2].published_on = "2024-02-29"
    made[2].save()
    CitationFactory(source=made[0])
    return made


def changelist(model_admin, admin_user, **params):
    request = RequestFactory().get("/admin/claims/source/", params)
    request.user = admin_user
    return model_admin.get_changelist_instance(request)


def django_rows(cl) -> list[str]:
    return ["".join(str(item) for item in row) for row in results(cl)]


def own_rows(cl) -> list[str]:
    rows = [list(row) for row in cl.result_rows()]
    assert all(len(row) == 1 and row.form is None for row in cl.result_rows())
    return [str(row[0]) for row in rows]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "ceasefire"},
        {"q": " b.example/ceasefire ", "published_on__isnull": "True"},
        {"q": "ceasefire", "kind__exact": SourceKind.choices[-1][0], "o": "-2.3"},
        {"_popup": "1", "_to_field": "id"},
    ],
)
def test_source_rows_are_djangos(sources, admin_user, params):
    cl = changelist(SourceAdmin(Source, admin.site), admin_user, **params)
    assert len(cl.result_list) >= 1
    assert own_rows(cl) == django_rows(cl)


class Columns(PresetLinksMixin, PlainCheckboxMixin, admin.ModelAdmin):
    """Every kind of column items_for_result tells apart."""

    list_display = [
        "url",
        "title",
        "publisher",
        "publisher__reliability",
        "published_on",
        "created_at",
        "kind",
        "is_rated",
        "listed_on",
        "missing",
        lambda source: f"<{source.pk}>",
        "__str__",
    ]
    list_display_links = ["title", "url"]
    empty_value_display = "(none)"
    ordering = ["title"]  # the untitled source, without a publisher, first on any database

    @admin.display(boolean=True, description="Rated")
    def is_rated(self, source):
        return source.publisher_id is not None

    @admin.display(description="Listed", empty_value="never")
    def listed_on(self, source):
        return source.published_on

    def missing(self, source):
        if source.publisher_id is None:
            raise ObjectDoesNotExist
        return source.publisher.name


def test_every_kind_of_column_is_djangos(sources, admin_user):
    cl = changelist(Columns(Source, admin.site), admin_user)
    assert cl.result_list[0].publisher_id is None  # its "missing" cell raises: planned anyway
    assert own_rows(cl) == django_rows(cl)
    assert "never" in "".join(own_rows(cl))
    assert '<td class="field-missing">(none)</td>' in "".join(own_rows(cl))


def test_a_column_no_row_can_read_shows_empty(sources, admin_user):
    Source.objects.update(publisher=None)
    cl = changelist(Columns(Source, admin.site), admin_user)
    assert own_rows(cl) == django_rows(cl)
    assert all('<td class="field-missing">(none)</td>' in row for row in own_rows(cl))


def test_editable_lists_are_djangos_own(sources, admin_user):
    """A list with editable fields (a formset) is written by Django's own code."""
    cl = changelist(Columns(Source, admin.site), admin_user)
    cl.formset = SimpleNamespace(forms=[None] * len(cl.result_list))
    mine = [(row.form, [str(item) for item in row]) for row in cl.result_rows()]
    assert all(len(cells) == len(Columns.list_display) + 1 for _, cells in mine)
    assert mine == [(row.form, [str(item) for item in row]) for row in results(cl)]


def test_the_source_list_page_shows_the_rows(client, admin_user, sources):
    client.force_login(admin_user)
    page = client.get(reverse("admin:claims_source_changelist"), {"q": "ceasefire"})
    html = page.content.decode()
    cl = page.context["cl"]
    for row in django_rows(cl):
        assert f"<tr>{row}</tr>" in html
    assert html.count('class="field-title"') == 3
    assert "Import CSV" in html


def test_a_list_of_another_admin_is_djangos(client, admin_user):
    """Publishers use the CSV list template without writing their own rows."""
    PublisherFactory(name="Reuters")
    client.force_login(admin_user)
    page = client.get(reverse("admin:claims_publisher_changelist"))
    assert page.status_code == 200
    assert "Reuters" in page.content.decode()
    assert not hasattr(page.context["cl"], "result_rows")
    assert Publisher.objects.count() == 1


def test_the_reliability_column_shows_the_publishers_rating(sources):
    from claims.choices import Reliability

    model_admin = SourceAdmin(Source, admin.site)
    source = sources[0]
    for value, _ in Reliability.choices:
        source.publisher.reliability = value
        assert model_admin.reliability(source) == source.publisher.get_reliability_display()
    assert model_admin.reliability(sources[1]) == "—"
