"""Searching the library: by title, URL or publisher name, on SQLite and PostgreSQL alike,
from trigram indexes on PostgreSQL; and the admin's source list at any library size."""

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_urls
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.admin import SourceAdmin
from claims.models import Source
from claims.sources.library import search_library, sources_matching
from tests.factories import ClaimFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def library():
    reuters = PublisherFactory(name="Reuters")
    return {
        "title": SourceFactory(title="Ceasefire talks resume", url="https://a.example/1"),
        "url": SourceFactory(title="Talks", url="https://b.example/ceasefire-talks"),
        "publisher": SourceFactory(title="Other", url="https://c.example/2", publisher=reuters),
        "none": SourceFactory(title="Harvest report", url="https://d.example/3"),
    }


def test_sources_match_by_title_url_or_publisher_name(library):
    """A search finds sources by words of their title or URL, or their publisher's name,
    in any case."""
    found = set(sources_matching(Source.objects.all(), "CEASEFIRE"))
    assert found == {library["title"], library["url"]}
    assert set(sources_matching(Source.objects.all(), "reuter")) == {library["publisher"]}
    assert not sources_matching(Source.objects.all(), "nothing like it").exists()
    assert not sources_matching(Source.objects.all(), "harvest", fields=()).exists()


def test_the_search_asks_the_publishers_first_then_the_sources_alone(library):
    """The publisher's name is looked up in a query of its own, so that the sources' query
    joins no table (an OR across a join would defeat the indexes)."""
    with CaptureQueriesContext(connection) as queries:
        list(sources_matching(Source.objects.all(), "reuters"))
    publishers, sources = (query["sql"] for query in queries.captured_queries)
    assert "claims_publisher" in publishers
    assert "claims_publisher" not in sources


def test_word_patterns_are_matched_on_the_uppercased_field(library):
    """Each word's pattern is matched on UPPER(field), as its substring test is, so that a
    scan of the publishers tests the (equally costed) substring first and the pattern
    only on the rows that contain the word. The matches are the same."""
    with CaptureQueriesContext(connection) as queries:
        found = set(sources_matching(Source.objects.all(), "Reuters talks"))
    publishers = queries.captured_queries[0]["sql"].upper()
    assert publishers.count('UPPER("CLAIMS_PUBLISHER"."NAME")') >= 2  # a pattern a word
    assert '"NAME"::TEXT ~*' not in publishers  # PostgreSQL, on the bare field
    assert '"NAME" REGEXP' not in publishers  # SQLite
    assert found == set()
    assert set(sources_matching(Source.objects.all(), "talks resume")) == {library["title"]}


def test_the_library_search_reads_no_page_text_nor_the_claim(reviewer_client, library):
    """Asked at each keystroke when citing: the matching sources' listed fields only (never
    a fetched page's whole text) and only whether the claim exists, read with them."""
    claim = ClaimFactory()
    Source.objects.update(page_text="The whole fetched page. " * 1000)
    url = reverse("claims:source_search", args=[claim.article_id, claim.pk])
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(
            url, {"source_q": "ceasefire"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert "Ceasefire talks resume" in response.content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [query for query in sql if "page_text" in query]
    assert not [query for query in sql if "claims_verdict" in query]
    assert len(sql) == 4  # session, user, publishers, sources (of an existing claim)
    missing = reverse("claims:source_search", args=[claim.article_id + 1, claim.pk])
    assert reviewer_client.get(missing, {"source_q": "ceasefire"}).status_code == 404
    assert reviewer_client.get(missing, {"source_q": "c"}).status_code == 404
    nothing = reviewer_client.get(url, {"source_q": "no such words"})
    assert nothing.status_code == 200


def test_like_characters_are_searched_as_themselves(library):
    """% and _ in a search are the characters, not LIKE's wildcards, in the address as in
    the words, in the panel's search as in the admin's."""
    exact = SourceFactory(title="Odds 50_50 and 100% sure", url="https://e.example/50_50")
    SourceFactory(title="Odds 50x50 and 1000 more", url="https://f.example/50x50")
    claim = ClaimFactory()
    for query in ("50_50", "100%"):
        found = search_library(query, claim_id=claim.pk, article_id=claim.article_id)
        assert found == [exact]
        assert list(sources_matching(Source.objects.all(), query)) == [exact]
    assert search_library("a\\b", claim_id=claim.pk, article_id=claim.article_id) == []


@pytest.mark.skipif(not POSTGRESQL, reason="the trigram indexes are PostgreSQL's")
def test_postgresql_searches_sources_from_the_trigram_indexes(library):
    """The plan of the sources' query names the trigram indexes of migration 0016, with
    sequential scans off (as a large library makes them too slow to choose)."""
    with CaptureQueriesContext(connection) as queries:
        list(sources_matching(Source.objects.all(), "ceasefire"))
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "source_title_trgm" in plan
    assert "source_url_trgm" in plan


@pytest.mark.skipif(not POSTGRESQL, reason="the trigram indexes are PostgreSQL's")
def test_postgresql_trigram_indexes_keep_no_pending_list():
    """New sources go into the library's trigram indexes themselves, never into a pending
    list that every search would read until a vacuum (migration 0020)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('source_title_trgm', 'source_url_trgm', 'source_author_trgm', "
            "'publisher_name_trgm')"
        )
        options = dict(cursor.fetchall())
    assert len(options) == 4
    assert all(value == ["fastupdate=off"] for value in options.values())


@pytest.mark.parametrize("sources", [3, 60])
def test_admin_source_list_costs_the_same_at_any_size(
    client, admin_user, django_assert_max_num_queries, sources
):
    """The admin's source list, searched, costs the same queries with 3 or 60 sources, and
    counts the matching sources once (no count of the whole library, no date hierarchy)."""
    for n in range(sources):
        SourceFactory(title=f"Ceasefire report {n}")
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:claims_source_changelist"), {"q": "ceasefire"})
    assert response.status_code == 200
    shown = min(sources, SourceAdmin.list_per_page)  # 50 a page
    assert response.content.decode().count('class="field-title"') == shown
    sql = [query["sql"] for query in queries.captured_queries]
    counts = [query for query in sql if query.upper().startswith("SELECT COUNT(")]
    assert len(counts) == 1
    assert "WHERE" in counts[0]
    assert len(sql) <= 10


def test_admin_source_list_filters_by_the_chosen_publisher_only(client, admin_user, library):
    """The publisher filter lists no publishers; given one (`?publisher=ID`), it shows and
    applies that one."""
    client.force_login(admin_user)
    url = reverse("admin:claims_source_changelist")
    chosen = library["publisher"].publisher
    page = client.get(url).content.decode()
    assert f"?publisher={chosen.pk}" not in page
    filtered = client.get(url, {"publisher": chosen.pk}).content.decode()
    assert f"?publisher={chosen.pk}" in filtered
    assert filtered.count('class="field-title"') == 1
    assert "Other" in filtered


def test_admin_action_checkboxes_are_the_widgets_markup(client, admin_user, library):
    """The source list's checkboxes, written without the widget's template, are what the
    widget renders (the admin's actions script and tests rely on them)."""
    source = library["title"]
    model_admin = SourceAdmin(Source, admin.site)
    assert model_admin.action_checkbox(source) == admin.ModelAdmin.action_checkbox(
        model_admin, source
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:claims_source_changelist")).content.decode()
    assert f'name="_selected_action" value="{source.pk}" class="action-select"' in page


def test_admin_publisher_filter_is_an_autocomplete(client, admin_user, library):
    """The source list's publisher filter is a search box served by the admin's
    autocomplete (publishers by name), not a list of every publisher; a chosen publisher
    stays selected and the search and other filters are kept beside it."""
    client.force_login(admin_user)
    url = reverse("admin:claims_source_changelist")
    chosen = library["publisher"].publisher
    PublisherFactory.create_batch(5)
    page = client.get(url).content.decode()
    assert 'class="admin-autocomplete"' in page
    assert 'data-field-name="publisher"' in page
    assert "claims/admin-publisher-filter" in page
    assert f'<option value="{chosen.pk}"' not in page
    filtered = client.get(url, {"publisher": chosen.pk, "q": "other", "kind": "news"})
    html = filtered.content.decode()
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in html
    assert '<input type="hidden" name="q" value="other">' in html
    assert '<input type="hidden" name="kind" value="news">' in html
    assert '<a href="?kind=news&amp;q=other">All publishers</a>' in html
    suggestions = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "source", "field_name": "publisher", "term": "reut"},
    ).json()
    assert [row["text"] for row in suggestions["results"]] == ["Reuters"]


def test_admin_source_rows_link_as_the_stock_admin_does(client, admin_user, library, monkeypatch):
    """Each row links to the source's page with the list's search and filters kept (to come
    back to after saving), exactly as the admin's own changelist writes it."""
    client.force_login(admin_user)
    url = reverse("admin:claims_source_changelist")
    query = {"q": "ceasefire", "kind": "news", "o": "2"}
    page = client.get(url, query).content.decode()
    change = reverse("admin:claims_source_change", args=[library["title"].pk])
    assert f'href="{change}?_changelist_filters=q%3Dceasefire%26kind%3Dnews%26o%3D2"' in page
    monkeypatch.setattr(SourceAdmin, "get_changelist", admin.ModelAdmin.get_changelist)
    stock = client.get(url, query).content.decode()

    def rows(html):
        start = html.index('<table id="result_list">')
        return html[start : html.index("</table>", start)]

    assert rows(page).count("_changelist_filters") == 2  # the two sources found
    assert rows(page) == rows(stock)


def test_admin_source_rows_are_linked_without_resolving_each(client, admin_user, monkeypatch):
    """The rows' links are reversed once for the page, not reversed and resolved again for
    each row (a sixth of a searched 50-row list's time)."""
    SourceFactory.create_batch(20, title="Ceasefire report")
    client.force_login(admin_user)
    resolved = []
    real = admin_urls.resolve
    monkeypatch.setattr(admin_urls, "resolve", lambda path: resolved.append(path) or real(path))
    page = client.get(reverse("admin:claims_source_changelist"), {"q": "ceasefire"})
    assert page.content.decode().count("_changelist_filters=q%3Dceasefire") >= 20
    assert len(resolved) <= 2
