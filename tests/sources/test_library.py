"""The source library: pages fetched in the background fill sources in, excerpts are
verified, duplicates merged and publishers rated, in the domain and in the admin."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims import editing
from claims.models import Citation, ExcerptCheck, FetchStatus, Publisher, Source
from claims.sources import library
from claims.sources.archive import archived_content
from claims.sources.canonical import canonical_url
from claims.sources.extraction import MAX_ELEMENTS, decode_html
from claims.sources.tasks import fetch_source
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    PublisherDomainFactory,
    PublisherFactory,
    SourceFactory,
    UserFactory,
)
from tests.sources.test_extraction import FIXTURES
from tests.webpages import allow_fetching_it, serving

pytestmark = pytest.mark.django_db

ARTICLE = """<!doctype html><html lang="en"><head><title>Shells | The Daily</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "NIS: a million shells",
"author": {"name": "Kim Reporter"}, "datePublished": "2023-11-02T09:00:00+09:00",
"publisher": {"name": "The Daily Example"}}</script></head>
<body><nav>Menu</nav><article><p>North Korea has sent more than a million artillery shells
to Russia, the NIS told lawmakers.</p></article></body></html>"""

PAGES = {"/article": ARTICLE}


@pytest.fixture
def site(settings):
    """A web site on 127.0.0.1 for the fetcher (loopback allowed for the test)."""
    allow_fetching_it(settings)
    with serving(PAGES) as address:
        yield address


def test_fetch_fills_in_empty_metadata_and_keeps_typed_values(site):
    """A fetched page fills in title, author and date, and what it calls its publisher as
    a suggestion only; typed values stay."""
    source = SourceFactory(url=f"{site}/article", title="", publisher=None, author="Typed")
    result = library.refresh_source(source.pk)
    source.refresh_from_db()
    assert result.fetched
    assert source.title == "NIS: a million shells"
    assert source.author == "Typed"
    assert str(source.published_on) == "2023-11-02"
    assert source.publisher is None
    assert source.site_name == "The Daily Example"
    assert source.fetch_status == FetchStatus.FETCHED
    assert "more than a million artillery shells" in source.page_text
    assert "Menu" not in source.page_text
    assert len(source.content_hash) == 64


def test_a_fetched_source_keeps_the_desk_archived_copy(site, reviewer_client):
    """Each fetch keeps the page as fetched; the panel links the desk's copy with its date,
    and the copy is served inert: a sandbox without scripts, nothing loaded from elsewhere."""
    claim = ClaimFactory()
    source = SourceFactory(url=f"{site}/article")
    CitationFactory(claim=claim, source=source)
    library.refresh_source(source.pk)
    source.refresh_from_db()
    archived = source.archived_page
    assert archived.url == f"{site}/article"
    assert archived_content(archived).body == ARTICLE.encode()

    panel = reviewer_client.get(
        reverse("claims:claim_detail", args=[claim.article_id, claim.pk]),
        headers={"HX-Request": "true"},
    ).content.decode()
    copy_url = reverse("claims:archived_page", args=[archived.pk])
    assert f'href="{copy_url}"' in panel
    assert f"archived by the desk on {archived.captured_at:%-d %b %Y}" in panel

    response = reviewer_client.get(copy_url)
    assert response.status_code == 200
    assert response.content == ARTICLE.encode()
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy
    assert "allow-scripts" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert not any(part.startswith("script-src") for part in policy)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_archived_copy_is_for_the_desk_only(client, site):
    """Visitors are sent to log in; a missing copy is a 404."""
    source = SourceFactory(url=f"{site}/article")
    library.refresh_source(source.pk)
    copy_url = reverse("claims:archived_page", args=[Source.objects.get().archived_page_id])
    assert client.get(copy_url).url.startswith(reverse("login"))
    client.force_login(UserFactory(username="r2", roles=["Reviewer"]))
    assert client.get(reverse("claims:archived_page", args=[999])).status_code == 404


def test_failed_fetch_is_recorded_not_raised(site):
    """A page that cannot be fetched is marked failed with the reason."""
    source = SourceFactory(url=f"{site}/missing")
    result = library.refresh_source(source.pk)
    source.refresh_from_db()
    assert not result.fetched
    assert source.fetch_status == FetchStatus.FAILED
    assert "404" in source.fetch_error


def test_loopback_is_refused_unless_allowed(site, settings):
    """Without the test setting, a page on 127.0.0.1 is never fetched."""
    settings.FETCH_ALLOW_LOOPBACK = False
    source = SourceFactory(url=f"{site}/article")
    library.refresh_source(source.pk)
    source.refresh_from_db()
    assert source.fetch_status == FetchStatus.FAILED
    assert source.page_text == ""


def test_excerpts_are_verified_against_the_page(site, reviewer):
    """Citations learn whether their excerpt is in the fetched page, ignoring quote styles."""
    source = SourceFactory(url=f"{site}/article")
    found = CitationFactory(source=source, excerpt="has sent MORE than a million  artillery")
    missing = CitationFactory(source=source, excerpt="two million shells")
    library.refresh_source(source.pk)
    found.refresh_from_db()
    missing.refresh_from_db()
    assert found.excerpt_check == ExcerptCheck.FOUND
    assert missing.excerpt_check == ExcerptCheck.NOT_FOUND
    later = editing.cite_source(
        ClaimFactory(),
        by=reviewer,
        source=Source.objects.get(pk=source.pk),
        stance="supports",
        excerpt="the NIS told lawmakers",
    )
    assert later.excerpt_check == ExcerptCheck.FOUND


def test_quoting_the_page_menu_or_teasers_is_not_found(site, monkeypatch):
    """The excerpt check reads the page's article text: words that appear only in its menu
    or its "most read" links are not found (a layout of plain <div>s, no <article>)."""
    page = decode_html((FIXTURES / "council-budget.html").read_bytes())
    monkeypatch.setitem(PAGES, "/budget", page)
    source = SourceFactory(url=f"{site}/budget")
    article = CitationFactory(source=source, excerpt="approved a €48.2 million budget")
    menu = CitationFactory(source=source, excerpt="What's on this weekend")
    teaser = CitationFactory(source=source, excerpt="Bakery on Mill Street wins national award")
    library.refresh_source(source.pk)
    checks = {c.pk: c.excerpt_check for c in Citation.objects.filter(source=source)}
    assert checks[article.pk] == ExcerptCheck.FOUND
    assert checks[menu.pk] == checks[teaser.pk] == ExcerptCheck.NOT_FOUND


def test_a_page_too_large_to_read_is_a_failed_fetch(site, monkeypatch):
    """A page with more elements than the extractor reads is recorded as failed, with why."""
    monkeypatch.setitem(PAGES, "/huge", "<p>x</p>" * (MAX_ELEMENTS + 1))
    source = SourceFactory(url=f"{site}/huge")
    result = library.refresh_source(source.pk)
    source.refresh_from_db()
    assert not result.fetched
    assert source.fetch_status == FetchStatus.FAILED
    assert "too large to read" in source.fetch_error


def test_a_page_that_changed_since_it_was_cited_is_flagged(site):
    """Re-fetching a page whose text changed flags the citations checked before."""
    source = SourceFactory(url=f"{site}/article")
    citation = CitationFactory(source=source, excerpt="a million artillery shells")
    library.refresh_source(source.pk)
    citation.refresh_from_db()
    assert not citation.page_changed
    PAGES["/article"] = ARTICLE.replace("a million", "about 500,000")
    try:
        library.refresh_source(source.pk)
    finally:
        PAGES["/article"] = ARTICLE
    citation = Citation.objects.select_related("source").get(pk=citation.pk)
    assert citation.page_changed
    assert citation.excerpt_check == ExcerptCheck.NOT_FOUND


def test_new_sources_are_queued_for_fetching(django_capture_on_commit_callbacks):
    """A source created from a pasted URL is queued for the background fetch."""
    with django_capture_on_commit_callbacks(execute=True):
        result = editing.source_for_url(canonical_url("https://news.example/queued"), by=None)
    assert result.source.fetch_status == FetchStatus.PENDING
    from django.tasks import default_task_backend

    assert any(
        task.args == [result.source.pk] or task.args == (result.source.pk,)
        for task in default_task_backend.results
    )


def test_publisher_linked_by_registrable_domain():
    """Subdomains (www., edition., amp.) link a source to its publisher's domain."""
    domain = PublisherDomainFactory(domain="cnn.com")
    for host in ("www.cnn.com", "edition.cnn.com", "amp.cnn.com", "cnn.com"):
        source = editing.source_for_url(
            canonical_url(f"https://{host}/story-{host}"), by=None
        ).source
        assert source.publisher == domain.publisher
    other = editing.source_for_url(canonical_url("https://notcnn.com/x"), by=None).source
    assert other.publisher is None


def test_merge_keeps_every_citation():
    """Merging duplicates moves all citations; a claim citing both keeps both excerpts."""
    keep = SourceFactory(title="")
    duplicate = SourceFactory(title="Better title")
    shared_claim = ClaimFactory()
    CitationFactory(claim=shared_claim, source=keep, excerpt="first words")
    CitationFactory(claim=shared_claim, source=duplicate, excerpt="second words")
    only_duplicate = CitationFactory(source=duplicate)
    duplicate_id = duplicate.pk
    moved = library.merge_sources(keep, [duplicate], by=None)
    assert moved == 2
    assert not Source.objects.filter(pk=duplicate_id).exists()
    merged = Citation.objects.get(claim=shared_claim)
    assert "first words" in merged.excerpt
    assert "second words" in merged.excerpt
    assert Citation.objects.get(pk=only_duplicate.pk).source_id == keep.pk
    keep.refresh_from_db()
    assert keep.title == "Better title"
    assert Source.history.filter(id=duplicate_id, history_type="-").exists()


def test_admin_merge_action(client, admin_user):
    """The admin merges selected sources after choosing the one to keep."""
    keep, duplicate = SourceFactory(), SourceFactory()
    CitationFactory(source=duplicate)
    client.force_login(admin_user)
    url = reverse("admin:claims_source_changelist")
    selected = {"action": "merge_duplicates", "_selected_action": [keep.pk, duplicate.pk]}
    page = client.post(url, selected)
    assert b"Choose the source to keep" in page.content
    response = client.post(url, {**selected, "apply": "1", "keep": keep.pk})
    assert response.status_code == 302
    assert list(Source.objects.values_list("pk", flat=True)) == [keep.pk]
    assert Citation.objects.get().source_id == keep.pk


def test_admin_rates_publishers_in_bulk(client, admin_user):
    """The admin sets a reliability rating with its rationale and date on many publishers."""
    first, second = PublisherFactory(), PublisherFactory()
    client.force_login(admin_user)
    url = reverse("admin:claims_publisher_changelist")
    selected = {"action": "rate_reliability", "_selected_action": [first.pk, second.pk]}
    assert b"Set rating" in client.post(url, selected).content
    client.post(
        url, {**selected, "apply": "1", "reliability": "unreliable", "note": "Fabrications"}
    )
    for publisher in Publisher.objects.all():
        assert publisher.reliability == "unreliable"
        assert publisher.reliability_note == "Fabrications"
        assert publisher.reliability_rated_on is not None
        assert publisher.history.first().history_user == admin_user


def test_panel_warns_about_doubtful_publishers_and_thin_evidence(reviewer_client):
    """The claim panel warns on a deprecated publisher and a single-source verdict."""
    claim = ClaimFactory()
    kcna = PublisherFactory(name="KCNA", reliability="deprecated")
    CitationFactory(claim=claim, source=SourceFactory(publisher=kcna))
    html = reviewer_client.get(claim.get_absolute_url(), HTTP_HX_REQUEST="true").content
    html = html.decode()
    assert "⚠ Cites KCNA (deprecated)" in html
    assert "rests on a single source" in html
    assert "web.archive.org/save/" in html


def test_failed_fetch_is_shown_in_the_panel(reviewer_client):
    """A source whose page could not be fetched says so, with the reason."""
    claim = ClaimFactory()
    source = SourceFactory(fetch_status=FetchStatus.FAILED, fetch_error="The site answered 404")
    CitationFactory(claim=claim, source=source)
    html = reviewer_client.get(claim.get_absolute_url(), HTTP_HX_REQUEST="true").content
    assert "Page not fetched: The site answered 404" in html.decode()


def reset_task_backends():
    """Make django.tasks read TASKS again (it caches its backends on first use)."""
    from asgiref.local import Local
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    reset_task_backends()
    yield
    reset_task_backends()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_processes_a_queued_fetch_end_to_end(site, database_queue):
    """A fetch queued in the database is run by the db_worker and fills the source in."""
    source = SourceFactory(url=f"{site}/article", title="")
    result = fetch_source.enqueue(source.pk)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    source.refresh_from_db()
    assert source.title == "NIS: a million shells"
