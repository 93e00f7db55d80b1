"""Checking a CSV file before the import, and importing it in chunks with its progress."""

import re

import pytest

from claims.models import Source
from claims.sources import library_csv
from claims.sources.library_csv import CsvRejected, ImportReport, check_file, import_sources

pytestmark = pytest.mark.django_db

FIVE = "\ufeffurl,title\n" + "".join(
    f"https://news.example/{n},Report {n}\n" for n in range(1, 6)
).replace("https://news.example/3,", "ftp://news.example/3,")


def test_check_file_reads_the_whole_file_without_writing():
    """The text without its byte-order mark, and the number of rows; nothing written."""
    checked = check_file(FIVE.encode(), "sources")
    assert (checked.kind, checked.rows) == ("sources", 5)
    assert checked.text == FIVE.removeprefix("\ufeff")
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        ("name\nReuters\n", "sources", "Unknown column(s): name"),
        ("url\nhttps://x.example\n", "publishers", "Unknown column(s): url"),
        (b"url\n\xff\xfe", "sources", "not UTF-8"),
        ('url\n"https://x.example\n', "sources", "not valid CSV"),
    ],
)
def test_check_file_refuses_what_the_import_would_refuse(data, kind, message):
    with pytest.raises(CsvRejected, match=re.escape(message)):
        check_file(data, kind)


def test_rows_are_written_in_chunks_each_reporting_its_progress(admin_user, monkeypatch):
    """After each chunk: the report so far and the file's number of rows."""
    monkeypatch.setattr(library_csv, "CHUNK_ROWS", 2)
    seen = []

    def progress(report, total):
        seen.append((len(report.rows), report.refused, total, Source.objects.count()))

    import_sources(FIVE, by=admin_user, progress=progress)
    assert seen == [(2, 0, 5, 2), (4, 1, 5, 3), (5, 1, 5, 4)]


def test_an_interrupted_import_keeps_its_chunks_and_importing_again_completes_it(
    admin_user, monkeypatch
):
    """The chunk being written when the import stops is rolled back, the ones before stay;
    the same file imported again creates the rest and leaves the others unchanged."""
    monkeypatch.setattr(library_csv, "CHUNK_ROWS", 2)

    def stop_in_the_second_chunk(report, total):
        if len(report.rows) > 2:
            raise ConnectionError("the worker was stopped")

    with pytest.raises(ConnectionError):
        import_sources(FIVE, by=admin_user, progress=stop_in_the_second_chunk)
    assert sorted(Source.objects.values_list("title", flat=True)) == ["Report 1", "Report 2"]

    report = import_sources(FIVE, by=admin_user)
    assert [row.action for row in report.rows] == [
        "unchanged",
        "unchanged",
        "refused",
        "created",
        "created",
    ]
    assert Source.objects.count() == 4


def test_report_survives_the_trip_through_json(admin_user):
    report = import_sources(FIVE, by=admin_user)
    again = ImportReport.from_json(report.as_json())
    assert again == report
    assert again.summary == "Sources: 4 created, 0 updated, 0 unchanged, 1 refused."
    assert [row.line for row in again.refusals] == [4]
