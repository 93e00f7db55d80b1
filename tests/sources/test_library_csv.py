"""CSV export and import of the source library (publishers and sources): all or nothing."""

import csv
import datetime
import io

import pytest

from claims.models import Publisher, PublisherDomain, Reliability, Source, SourceKind
from claims.sources.csv_format import (
    MAX_BYTES,
    MAX_ROWS,
    PUBLISHER_COLUMNS,
    SOURCE_COLUMNS,
    CsvRejected,
    export_publishers,
    export_sources,
)
from claims.sources.library_csv import (
    ImportFailed,
    import_publishers,
    import_sources,
    preview_file,
)
from tests.factories import PublisherDomainFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


def csv_text(header, *rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_id").first()


def actions(report):
    return [row.action for row in report.rows]


@pytest.fixture
def reuters(db):
    publisher = PublisherFactory(
        name="Reuters", reliability=Reliability.RELIABLE, reliability_note="Agency."
    )
    PublisherDomainFactory(publisher=publisher, domain="reuters.com")
    return publisher


@pytest.fixture
def library(reuters):
    """A small library: two publishers, two sources."""
    yonhap = PublisherFactory(name="Yonhap", homepage="https://en.yna.co.kr/")
    PublisherDomainFactory(publisher=yonhap, domain="yna.co.kr")
    SourceFactory(
        url="https://www.reuters.com/world/shells",
        title="North Korea sent shells",
        publisher=reuters,
        author="Josh Smith",
        published_on=datetime.date(2023, 11, 9),
        kind=SourceKind.NEWS,
        summary='Says "one million", citing Seoul, 2023.\nSecond line.',
        archived_url="https://web.archive.org/web/2023/https://www.reuters.com/world/shells",
    )
    SourceFactory(url="https://en.yna.co.kr/view/1", title="Blinken in Seoul", publisher=yonhap)
    return reuters, yonhap


def snapshot():
    """What the library holds: counts and every field the CSV carries."""
    return {
        "publishers": sorted(
            (
                p.name,
                tuple(sorted(d.domain for d in p.domains.all())),
                p.reliability,
                p.reliability_note,
                p.reliability_rated_on,
                p.homepage,
            )
            for p in Publisher.objects.prefetch_related("domains")
        ),
        "domains": PublisherDomain.objects.count(),
        "sources": sorted(
            (
                s.url,
                s.title,
                s.publisher.name if s.publisher else None,
                s.author,
                s.published_on,
                s.kind,
                s.summary,
                s.archived_url,
            )
            for s in Source.objects.select_related("publisher")
        ),
        "history": Publisher.history.count() + Source.history.count(),
    }


# --- Good files ------------------------------------------------------------------------


def test_publishers_file_creates_rows_recorded_under_the_admin(admin_user):
    """A good publishers file (UTF-8 with BOM) creates each publisher and its domains;
    the history names the admin who imported it."""
    data = csv_text(
        PUBLISHER_COLUMNS,
        ["Reuters", "reuters.com; Reuters.co.uk", "reliable", "Agency.", "2026-11-01", ""],
        ["KCNA", "kcna.kp", "Deprecated", "State media.", "", "http://KCNA.kp"],
    ).encode("utf-8-sig")

    report = import_publishers(data, by=admin_user)

    assert (report.kind, actions(report)) == ("publishers", ["created", "created"])
    assert (report.created, report.updated, report.unchanged, report.refused) == (2, 0, 0, 0)
    assert [row.line for row in report.rows] == [2, 3]
    reuters = Publisher.objects.get(name="Reuters")
    assert sorted(reuters.domains.values_list("domain", flat=True)) == [
        "reuters.co.uk",
        "reuters.com",
    ]
    assert reuters.reliability_rated_on == datetime.date(2026, 11, 1)
    kcna = Publisher.objects.get(name="KCNA")
    assert (kcna.reliability, kcna.homepage) == (Reliability.DEPRECATED, "http://kcna.kp/")
    assert latest(Publisher, kcna.pk).history_user == admin_user


def test_sources_file_creates_rows_with_publisher_by_name_or_domain(admin_user, reuters):
    """A good sources file creates sources: publisher by name, or from the URL's domain
    when the cell is empty; the history and created_by name the admin."""
    data = csv_text(
        SOURCE_COLUMNS,
        ["https://example.org/a", "A", "reuters", "Ann", "2023-11-09", "official", "S", ""],
        ["https://www.reuters.com/b?utm_source=x", "B", "", "", "", "", "", ""],
    )

    report = import_sources(data, by=admin_user)

    assert actions(report) == ["created", "created"]
    a = Source.objects.get(url="https://example.org/a")
    assert (a.publisher, a.author, a.published_on, a.kind) == (
        reuters,
        "Ann",
        datetime.date(2023, 11, 9),
        SourceKind.OFFICIAL,
    )
    b = Source.objects.get(url="https://www.reuters.com/b")
    assert (b.publisher, b.kind, b.created_by) == (reuters, SourceKind.NEWS, admin_user)
    assert latest(Source, b.pk).history_user == admin_user
    assert report.rows[1].label == "https://www.reuters.com/b"


# --- Files with refused rows: all or nothing --------------------------------------------


def refused_import(importer, data, by):
    """The import's ImportFailed, with its report."""
    with pytest.raises(ImportFailed, match="Nothing was written") as caught:
        importer(data, by=by)
    return caught.value


def test_a_file_with_refused_sources_writes_nothing(admin_user, reuters):
    """Rows with a bad URL, date, kind or publisher are refused with a message naming the
    column; then the good rows are not written either: the library is as before."""
    data = csv_text(
        SOURCE_COLUMNS,
        ["https://ok.example/1", "Good", "Reuters", "", "", "", "", ""],
        ["javascript:alert(1)", "Evil", "", "", "", "", "", ""],
        ["https://ok.example/2", "Bad date", "", "", "9 Nov 2023", "", "", ""],
        ["https://ok.example/3", "Bad kind", "", "", "", "rumour", "", ""],
        ["https://ok.example/4", "Bad publisher", "Nobody News", "", "", "", "", ""],
        ["https://ok.example/5", "Bad archive", "", "", "", "", "", "ftp://x.example/"],
        ["https://ok.example/6", "Good too", "", "", "2023-11-09", "dataset", "", ""],
    )
    before = snapshot()

    failure = refused_import(import_sources, data, admin_user)

    assert str(failure).startswith("5 rows refused (line 3: url: ")
    assert actions(failure.report) == ["created"] + ["refused"] * 5 + ["created"]
    messages = [row.message for row in failure.report.refusals]
    assert messages[0].startswith("url: ")
    assert messages[1].startswith("published_on: ")
    assert "9 Nov 2023" in messages[1]
    assert messages[2].startswith("kind: ")
    assert messages[3].startswith("publisher: ")
    assert "Nobody News" in messages[3]
    assert messages[4].startswith("archived_url: ")
    assert snapshot() == before


def test_one_refused_publisher_row_writes_nothing(admin_user, reuters):
    """A single refused row (the last one) and the rows before it, publishers and their
    domains, are not written: no row, no domain, no history."""
    data = csv_text(
        PUBLISHER_COLUMNS,
        ["Good One", "good.example", "", "", "", ""],
        ["Reuters", "reuters.co.uk", "mixed", "Changed note", "", ""],
        ["New One", "new.example", "shaky", "", "", ""],
    )
    before = snapshot()

    failure = refused_import(import_publishers, data, admin_user)

    assert actions(failure.report) == ["created", "updated", "refused"]
    assert failure.report.rows[2].message.startswith("reliability: ")
    assert snapshot() == before
    assert not PublisherDomain.objects.filter(domain__in=["good.example", "new.example"]).exists()
    reuters.refresh_from_db()
    assert (reuters.reliability, reuters.reliability_note) == (Reliability.RELIABLE, "Agency.")


def test_too_long_value_is_refused_naming_the_column(admin_user):
    """Model validation (here the title's length) refuses the row, naming the column; the
    preview says so too."""
    data = csv_text(SOURCE_COLUMNS, ["https://ok.example/long", "x" * 501, "", "", "", "", "", ""])

    report = preview_file("sources", data)

    assert actions(report) == ["refused"]
    assert report.rows[0].message.startswith("title: ")
    refused_import(import_sources, data, admin_user)
    assert not Source.objects.exists()


# --- Malformed files -------------------------------------------------------------------

GOOD_SOURCE_ROW = "https://new.example/x,Changed"
GOOD_PUBLISHER_ROW = "Reuters,,mixed"


@pytest.mark.parametrize(
    ("importer", "data", "expected"),
    [
        (import_sources, "url,title\nhttps://new.example/é,Café".encode("latin-1"), "UTF-8"),
        (import_sources, b"url,title\n" + GOOD_SOURCE_ROW.encode() + b"\x00\x01", "binary"),
        (import_sources, "url,title\nhttps://a.example/,Bell\x07", "control characters"),
        (import_sources, b"", "empty"),
        (import_publishers, "\ufeff  \r\n\r\n", "empty"),
        (import_sources, "title,author\nChanged,Me\n", "no “url” column"),
        (import_publishers, "reliability\nmixed\n", "no “name” column"),
        (import_sources, "url,title,colour,size\n" + GOOD_SOURCE_ROW, "colour, size"),
        (import_sources, "url,title,title\n" + GOOD_SOURCE_ROW + ",x", "repeats"),
        (import_sources, "url,,title\n", "no name"),
        (import_sources, f'url,title\n{GOOD_SOURCE_ROW}\nhttps://b.example/,"open', "quote"),
        (import_sources, f'url,title\n{GOOD_SOURCE_ROW}\n"https://b.example/"x,y', "CSV"),
        (import_publishers, f"name,reliability\n{GOOD_PUBLISHER_ROW}\nX,mixed,extra", "3 fields"),
        (
            import_sources,
            "url,title\n" + "".join(f"https://n.example/{i},T\n" for i in range(MAX_ROWS + 1)),
            "more than 10,000 rows",
        ),
        (import_sources, 'url,summary\nhttps://n.example/,"' + "x" * MAX_BYTES + '"', "MB"),
        (import_publishers, b"name\n" + b"x" * MAX_BYTES, "MB"),
    ],
    ids=[
        "not-utf8",
        "nul-bytes",
        "control-chars",
        "empty",
        "blank-with-bom",
        "no-url-column",
        "no-name-column",
        "unknown-columns",
        "duplicate-columns",
        "unnamed-column",
        "unterminated-quote",
        "bad-quoting",
        "extra-fields",
        "too-many-rows",
        "too-large-str",
        "too-large-bytes",
    ],
)
def test_malformed_file_is_rejected_and_changes_nothing(
    importer, data, expected, admin_user, library
):
    """A file that cannot be read as a whole raises CsvRejected with a message saying why,
    and the library (counts, fields, history) is exactly as before, even when good rows
    came before the problem."""
    before = snapshot()

    with pytest.raises(CsvRejected, match=expected):
        importer(data, by=admin_user)

    assert snapshot() == before
    assert Publisher.objects.get(name="Reuters").reliability == Reliability.RELIABLE


def test_unknown_columns_message_lists_them_and_the_expected_ones(admin_user):
    """The message for unknown columns names each of them and the columns expected."""
    with pytest.raises(CsvRejected) as caught:
        import_publishers("Name,Domains,Colour\nX,x.example,red\n", by=admin_user)

    assert str(caught.value) == (
        "Unknown column(s): colour. Expected columns: " + ", ".join(PUBLISHER_COLUMNS) + "."
    )


def test_header_only_and_blank_lines_import_nothing(admin_user):
    """A header with no rows (or only blank lines) is a valid, empty import."""
    report = import_sources("url,title\r\n\r\n,\r\n", by=admin_user)

    assert report.rows == []
    assert not Source.objects.exists()


# --- Updates ---------------------------------------------------------------------------


def test_source_is_updated_by_canonical_url_and_empty_cells_keep_values(admin_user, reuters):
    """A row whose URL canonicalises to an existing source's URL updates that source; only
    non-empty cells change values, and the history names the admin."""
    source = SourceFactory(url="http://example.com/a", title="Old", author="Kim", publisher=None)

    report = import_sources(
        csv_text(
            ["url", "title", "author", "publisher"],
            ["HTTP://Example.com/a?utm_source=x", "New", "", "Reuters"],
        ),
        by=admin_user,
    )

    assert actions(report) == ["updated"]
    assert report.rows[0].message == "changed: title, publisher"
    source.refresh_from_db()
    assert (source.title, source.author, source.publisher) == ("New", "Kim", reuters)
    assert Source.objects.count() == 1
    record = latest(Source, source.pk)
    assert (record.history_user, record.title) == (admin_user, "New")


def test_publisher_is_matched_by_name_ignoring_case(admin_user, reuters):
    """A publisher row matches an existing publisher whatever the case of its name, and its
    domains cell replaces the publisher's domains."""
    report = import_publishers(
        csv_text(["name", "domains", "reliability"], ["REUTERS", "reuters.co.uk", "Mixed"]),
        by=admin_user,
    )

    assert actions(report) == ["updated"]
    assert report.rows[0].message == "changed: reliability, domains"
    reuters.refresh_from_db()
    assert (reuters.name, reuters.reliability) == ("Reuters", Reliability.MIXED)
    assert list(reuters.domains.values_list("domain", flat=True)) == ["reuters.co.uk"]
    assert latest(Publisher, reuters.pk).history_user == admin_user


def test_reimporting_the_export_reports_all_unchanged(admin_user, library):
    """Importing the library's own export into the same database changes nothing: every
    row is "unchanged" and no history record is added."""
    publishers_csv = export_publishers(Publisher.objects.all())
    sources_csv = export_sources(Source.objects.all())
    # A homepage stored before canonicalisation still counts as the same URL.
    Publisher.objects.filter(name="Yonhap").update(homepage="https://EN.yna.co.kr")
    before = snapshot()

    publishers = import_publishers(publishers_csv, by=admin_user)
    sources = import_sources(sources_csv.encode("utf-8-sig"), by=admin_user)

    assert actions(publishers) == ["unchanged", "unchanged"]
    assert actions(sources) == ["unchanged", "unchanged"]
    assert snapshot() == before


# --- Round trip ------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_recreates_the_rows(admin_user, library):
    """Exporting and importing into an empty library recreates equal publishers and sources,
    including quotes, commas, newlines and formula-like text."""
    reuters, _ = library
    reuters.reliability_note = '=1+1, "quoted"\nand a second line'
    reuters.reliability_rated_on = datetime.date(2026, 11, 1)
    reuters.save()
    SourceFactory(url="https://kcna.kp/x", title="-5 degrees", publisher=None, author="@kcna")
    before = snapshot()
    publishers_csv = export_publishers(Publisher.objects.all())
    sources_csv = export_sources(Source.objects.all())
    Source.objects.all().delete()
    Publisher.objects.all().delete()

    import_publishers(publishers_csv, by=admin_user)
    report = import_sources(sources_csv, by=admin_user)

    assert report.created == 3
    after = snapshot()
    for key in ("publishers", "domains", "sources"):
        assert after[key] == before[key]


def test_export_format(library):
    """The export has the documented header, domains joined by spaces, the publisher by
    name and dates in ISO form."""
    publishers = list(csv.reader(io.StringIO(export_publishers(Publisher.objects.all()))))
    sources = list(csv.reader(io.StringIO(export_sources(Source.objects.all()))))

    assert publishers[0] == PUBLISHER_COLUMNS
    assert publishers[1][:3] == ["Reuters", "reuters.com", "reliable"]
    assert sources[0] == SOURCE_COLUMNS
    shells = next(row for row in sources if row[1] == "North Korea sent shells")
    assert shells[2:6] == ["Reuters", "Josh Smith", "2023-11-09", "news"]


# --- CSV injection ---------------------------------------------------------------------


def test_formula_cells_are_escaped_on_export_and_unescaped_on_import(admin_user):
    """Cells a spreadsheet would run (= + - @, tab) are exported behind one quote; importing
    removes that quote, and a value really starting with a quote survives both ways."""
    publisher = PublisherFactory(name="@Evil", reliability_note='=HYPERLINK("http://x","y")')
    SourceFactory(url="https://a.example/", title="+1", author="'=kept", summary="\tTabbed")

    rows = list(csv.reader(io.StringIO(export_publishers(Publisher.objects.all()))))
    sources = list(csv.reader(io.StringIO(export_sources(Source.objects.all()))))

    assert rows[1][0] == "'@Evil"
    assert rows[1][3] == '\'=HYPERLINK("http://x","y")'
    assert sources[1][1] == "'+1"
    assert sources[1][3] == "''=kept"
    assert sources[1][6] == "'\tTabbed"

    report = import_publishers(
        csv_text(["name", "reliability_note"], ["'@Evil", "'-changed"], ["'Plain", "'ok"]),
        by=admin_user,
    )

    assert actions(report) == ["updated", "created"]
    publisher.refresh_from_db()
    assert publisher.reliability_note == "-changed"
    assert Publisher.objects.get(name="'Plain").reliability_note == "'ok"


# --- Domains ---------------------------------------------------------------------------


def test_domain_of_another_publisher_is_refused(admin_user, reuters):
    """A row claiming a domain that belongs to another publisher, or to a publisher an
    earlier row creates, is refused, naming the column, the domain and its owner; the file
    writes nothing."""
    data = csv_text(
        ["name", "domains", "reliability"],
        ["Copycat", "copycat.example reuters.com", "reliable"],
        ["Other", "other.example", ""],
        ["Second", "other.example", ""],
        ["Bad", "not_a_domain", ""],
    )

    report = preview_file("publishers", data)

    assert actions(report) == ["refused", "created", "refused", "refused"]
    assert report.rows[0].message == "domains: reuters.com already belongs to Reuters"
    assert report.rows[2].message == "domains: other.example already belongs to Other"
    assert report.rows[3].message == "domains: not a web domain: not_a_domain."
    refused_import(import_publishers, data, admin_user)
    assert list(Publisher.objects.all()) == [reuters]
    assert list(PublisherDomain.objects.values_list("domain", flat=True)) == ["reuters.com"]


def test_semicolon_separated_file_and_domains_are_read(admin_user):
    """A file saved by a spreadsheet with semicolons as separators reads the same, and
    domains may be separated by semicolons or spaces (URLs are reduced to their host)."""
    data = 'name;domains;reliability\n"AP";"apnews.com; https://www.ap.org/about";reliable\n'

    report = import_publishers(data, by=admin_user)

    assert actions(report) == ["created"]
    ap = Publisher.objects.get(name="AP")
    assert sorted(ap.domains.values_list("domain", flat=True)) == ["apnews.com", "www.ap.org"]
