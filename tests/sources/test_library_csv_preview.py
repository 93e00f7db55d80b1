"""The preview of a CSV file (what each row would do, nothing written) and the import that
follows it, all or nothing, in one transaction."""

import pytest
from django.db import DatabaseError

from claims.models import ImportState, LibraryImport, Publisher, Source, SourceAlias
from claims.sources import library_csv
from claims.sources.library_csv import ImportFailed, import_file, preview_file, preview_upload
from tests.factories import PublisherDomainFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db

FILE = (
    "url,title,publisher\n"
    "https://news.example/new,New report,\n"  # 2: created
    "https://news.example/known?utm_source=x,Known report,Reuters\n"  # 3: updated
    "https://news.example/old-address,Merged report,\n"  # 4: through the alias
    "https://news.example/same,Same,\n"  # 5: unchanged
    "https://news.example/new,New report again,\n"  # 6: the new one, updated
    "ftp://news.example/bad,Bad,\n"  # 7: refused
)


@pytest.fixture
def library(db):
    """Reuters (with its domain), a source to update, one to leave alone, and one that an
    earlier duplicate's URL was merged into."""
    reuters = PublisherFactory(name="Reuters")
    PublisherDomainFactory(publisher=reuters, domain="news.example")
    SourceFactory(url="https://news.example/known", title="Old title", publisher=None)
    SourceFactory(url="https://news.example/same", title="Same", publisher=reuters)
    kept = SourceFactory(url="https://news.example/kept", title="Kept", publisher=reuters)
    SourceAlias.objects.create(url="https://news.example/old-address", source=kept)
    return reuters


def written():
    """What the library holds, history included."""
    return (
        sorted(Source.objects.values_list("url", "title", "publisher__name")),
        Source.history.count(),
        Publisher.objects.count(),
    )


def test_preview_says_what_each_row_would_do_and_writes_nothing(library):
    """Created, updated (with the old and new values), through an alias (naming the source
    it was merged into), unchanged, a URL twice (created then updated), refused with the
    column and line; the library and its history stay as they were."""
    before = written()

    report = preview_file("sources", FILE)

    assert [(row.line, row.action) for row in report.rows] == [
        (2, "created"),
        (3, "updated"),
        (4, "alias"),
        (5, "unchanged"),
        (6, "updated"),
        (7, "refused"),
    ]
    new, known, alias, _same, again, bad = report.rows
    assert new.changes == [["title", "", "New report"], ["publisher", "", "Reuters"]]
    assert known.changes == [
        ["title", "Old title", "Known report"],
        ["publisher", "", "Reuters"],
    ]
    assert known.target_id == Source.objects.get(url="https://news.example/known").pk
    assert (alias.label, alias.target) == (
        "https://news.example/old-address",
        "https://news.example/kept",
    )
    assert alias.message == ("its URL was merged into https://news.example/kept; changed: title")
    assert again.changes == [["title", "New report", "New report again"]]
    assert again.target_id is None  # created by the file itself
    assert bad.message.startswith("url: ")
    assert written() == before


def test_preview_costs_the_same_queries_whatever_the_rows(library, django_assert_num_queries):
    """The library is read in a few queries (sources 500 at a time), not row by row."""
    many = "url,title\n" + "".join(f"https://news.example/{n},Report {n}\n" for n in range(400))
    with django_assert_num_queries(4):  # publishers, domains, sources, aliases
        preview_file("sources", many)
    with django_assert_num_queries(4):
        preview_file("sources", FILE)


def test_the_import_does_what_the_preview_showed(library, admin_user):
    """A file without refused rows: the import's rows and digest are the preview's; the row
    through an alias updates the merged source (no new source at the old address); the
    history names the admin."""
    data = FILE.rsplit("ftp://", 1)[0]
    preview = preview_file("sources", data)

    report = import_file("sources", data, by=admin_user, expected=preview.digest)

    assert report.digest == preview.digest
    assert [row.action for row in report.rows] == [row.action for row in preview.rows]
    assert not Source.objects.filter(url="https://news.example/old-address").exists()
    assert Source.objects.get(url="https://news.example/kept").title == "Merged report"
    assert Source.objects.get(url="https://news.example/new").title == "New report again"
    assert Source.history.filter(history_user=admin_user).count() == 4


def test_one_refused_row_writes_nothing(library, admin_user):
    before = written()
    with pytest.raises(ImportFailed, match=r"1 row refused \(line 7: url: .*Nothing was written"):
        import_file("sources", FILE, by=admin_user)
    assert written() == before


def test_a_failure_midway_rolls_back_every_row(library, admin_user, monkeypatch):
    """The database refusing the third write: the two rows written before it are undone,
    with their history; the admin is told which line and why."""
    data = FILE.rsplit("ftp://", 1)[0]
    before = written()
    save = Source.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.url)
        if len(calls) == 3:
            raise DatabaseError("disk full")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Source, "save", failing_save)
    with pytest.raises(ImportFailed) as caught:
        import_file("sources", data, by=admin_user)

    assert str(caught.value) == (
        "Line 4: the database refused the row (disk full). Nothing was written."
    )
    assert written() == before


def test_a_preview_gone_stale_writes_nothing(library, admin_user):
    """The library changed between the preview and the import (a reviewer added a source at
    a URL the file would create): the import refuses to do anything else than the preview
    showed, and writes nothing."""
    data = FILE.rsplit("ftp://", 1)[0]
    preview = preview_file("sources", data)
    SourceFactory(url="https://news.example/new", title="Added meanwhile")
    before = written()

    with pytest.raises(ImportFailed, match="library changed since the preview"):
        import_file("sources", data, by=admin_user, expected=preview.digest)

    assert written() == before


def test_an_upload_is_kept_with_its_preview_and_imported_once(library, admin_user):
    """The file's text waits in its LibraryImport with the preview; the confirmed import is
    marked imported with what it did, and running its task again does nothing more."""
    data = FILE.rsplit("ftp://", 1)[0]
    job = preview_upload(("\ufeff" + data).encode(), kind="sources", by=admin_user)
    assert (job.text, job.state, job.confirmable) == (data, ImportState.PREVIEWED, True)
    assert job.preview["counts"] == {
        "refused": 0,
        "created": 1,
        "updated": 2,
        "alias": 1,
        "unchanged": 1,
    }
    assert not Source.objects.filter(url="https://news.example/new").exists()
    LibraryImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)

    assert library_csv.run_import(job.pk) == ImportState.IMPORTED
    history = Source.history.count()
    assert library_csv.run_import(job.pk) == ImportState.IMPORTED
    assert Source.history.count() == history
    job.refresh_from_db()
    assert job.report["counts"]["created"] == 1
    assert job.started_at
    assert job.finished_at


def test_a_failed_import_is_marked_with_why(library, admin_user):
    data = FILE.rsplit("ftp://", 1)[0]
    job = preview_upload(data, kind="sources", by=admin_user)
    SourceFactory(url="https://news.example/new", title="Added meanwhile")
    LibraryImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)

    assert library_csv.run_import(job.pk) == ImportState.FAILED

    job.refresh_from_db()
    assert "library changed since the preview" in job.error
    assert Source.objects.get(url="https://news.example/new").title == "Added meanwhile"
    library_csv.preview_again(job)
    assert job.state == ImportState.PREVIEWED
    assert job.preview["rows"][0]["action"] == "updated"


def test_a_file_with_a_refused_row_cannot_be_confirmed(library, admin_user):
    job = preview_upload(FILE, kind="sources", by=admin_user)
    assert job.preview["counts"]["refused"] == 1
    assert not job.confirmable


def test_a_row_refused_at_confirm_writes_nothing(library, admin_user):
    """A row the preview accepted that the library no longer allows (its publisher was
    deleted meanwhile) stops the import: the reason names the line and column."""
    job = preview_upload(FILE.rsplit("ftp://", 1)[0], kind="sources", by=admin_user)
    library.delete()
    before = written()
    LibraryImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)

    assert library_csv.run_import(job.pk) == ImportState.FAILED

    job.refresh_from_db()
    assert job.error.startswith("1 row refused (line 3: publisher: no publisher is called")
    assert job.error.endswith("Nothing was written.")
    assert written() == before


def test_a_domain_moved_between_publishers_previews_as_it_imports(admin_user):
    """The rows see each other's domains: one publisher gives a domain up, the next takes
    it; a third row taking a domain the file gave away already is refused in both."""
    ap = PublisherFactory(name="AP")
    PublisherDomainFactory(publisher=ap, domain="apnews.com")
    data = (
        "name,domains\n"
        "AP,ap.org\n"  # gives apnews.com up
        "Associated Press,apnews.com\n"  # new, takes it
        "Copy,ap.org\n"  # refused: AP has it now
    )
    preview = preview_file("publishers", data)
    assert [row.action for row in preview.rows] == ["updated", "created", "refused"]
    assert preview.rows[0].changes == [["domains", "apnews.com", "ap.org"]]
    assert preview.rows[2].message == "domains: ap.org already belongs to AP"

    report = import_file("publishers", data.rsplit("Copy", 1)[0], by=admin_user)

    assert report.rows == preview.rows[:2]
    assert Publisher.objects.get(name="Associated Press").domains.get().domain == "apnews.com"
    assert ap.domains.get().domain == "ap.org"
