"""CSV export and import of the source library: publishers and sources.

Admins keep the library in a spreadsheet as well as in the admin; these functions move it
both ways. An export imported again changes nothing; imported into an empty desk it
recreates the same rows (publishers first, then sources).

A file that cannot be read as a whole (not UTF-8, binary, empty, unknown or missing
columns, broken quoting, too large) raises CsvRejected and writes nothing: the whole file is
read and checked before the first write (`check_file`, which the admin's upload runs before
queuing the import). A row with a bad value is refused with a message naming the column,
and the other rows still apply: each row runs in its own savepoint, so a refused row leaves
no partial write. Every write goes through the model's save() with the admin named, so the
history says who changed it.

Rows are written in chunks of CHUNK_ROWS, each committed with the import's progress (a
10,000-row file takes most of a minute, run by the background worker), so that the admin
sees the rows done and the other writers of the desk are never held up for long. An
import interrupted between chunks (a worker killed, a database restart) keeps the chunks
already written; importing the same file again completes it, since a row already imported
comes out unchanged.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are exported behind a single quote; importing removes that one quote again.
"""

import contextlib
import copy
import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from claims.models import Publisher, PublisherDomain, Reliability, Source, SourceKind
from claims.sources.canonical import CanonicalURL, UnsafeURL, canonical_url
from claims.sources.publishers import publisher_for_url

PUBLISHER_COLUMNS = [
    "name",
    "domains",
    "reliability",
    "reliability_note",
    "reliability_rated_on",
    "homepage",
]
SOURCE_COLUMNS = [
    "url",
    "title",
    "publisher",
    "author",
    "published_on",
    "kind",
    "summary",
    "archived_url",
]
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
CHUNK_ROWS = 200

# Leading characters a spreadsheet takes for a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 controls other than tab and newlines: a text file never has them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DOMAIN_SEPARATORS = re.compile(r"[\s;,]+")
DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_PATTERN = re.compile(rf"(?=.{{4,253}}$)(?:{DOMAIN_LABEL}\.)+{DOMAIN_LABEL}")


class CsvRejected(ValueError):
    """The whole file is unusable; the message says why, for a person. Nothing was changed."""


class RowRefused(Exception):
    """One row cannot be applied: {column: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self):
        return "; ".join(f"{column}: {message}" for column, message in self.errors.items())


@dataclass
class RowResult:
    line: int
    action: str  # "created" | "updated" | "unchanged" | "refused"
    label: str
    message: str = ""


@dataclass
class ImportReport:
    kind: str  # "publishers" | "sources"
    rows: list[RowResult] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def refused(self) -> int:
        return self._count("refused")

    @property
    def summary(self) -> str:
        return (
            f"{self.kind.capitalize()}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.refused} refused."
        )

    @property
    def refusals(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == "refused"]

    def as_json(self) -> dict:
        """The report as JSON data (a background task's result)."""
        return {
            "kind": self.kind,
            "rows": [[row.line, row.action, row.label, row.message] for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        return cls(kind=data["kind"], rows=[RowResult(*row) for row in data["rows"]])


# --- Export ----------------------------------------------------------------------------


def escape_cell(value) -> str:
    """The cell text, behind a single quote if a spreadsheet would run it as a formula.

    A value that already starts with quotes before such a character gets one more, so that
    unescape_cell gives it back unchanged.
    """
    text = "" if value is None else str(value)
    if text.lstrip("'")[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Remove the one quote that escape_cell put before a formula character."""
    if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS:
        return text[1:]
    return text


def _write(columns: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue()


def _iso(date: datetime.date | None) -> str:
    return date.isoformat() if date else ""


def export_publishers(queryset) -> str:
    """CSV text with a header and one row per publisher; its domains joined by spaces."""
    return _write(
        PUBLISHER_COLUMNS,
        (
            [
                publisher.name,
                " ".join(sorted(domain.domain for domain in publisher.domains.all())),
                publisher.reliability,
                publisher.reliability_note,
                _iso(publisher.reliability_rated_on),
                publisher.homepage,
            ]
            for publisher in queryset.prefetch_related("domains")
        ),
    )


def export_sources(queryset) -> str:
    """CSV text with a header and one row per source; its publisher by name."""
    return _write(
        SOURCE_COLUMNS,
        (
            [
                source.url,
                source.title,
                source.publisher.name if source.publisher else "",
                source.author,
                _iso(source.published_on),
                source.kind,
                source.summary,
                source.archived_url,
            ]
            for source in queryset.select_related("publisher")
        ),
    )


# --- Reading a file --------------------------------------------------------------------


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        if len(data) > MAX_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise CsvRejected(_too_large())
        text = data.removeprefix("\ufeff")
    elif isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        if len(data) > MAX_BYTES:
            raise CsvRejected(_too_large())
        if b"\x00" in data:
            raise CsvRejected("The file contains binary data: it is not a CSV file.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvRejected(
                "The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8”."
            ) from None
    else:
        raise TypeError("CSV data must be bytes or str.")
    if not text.strip():
        raise CsvRejected("The file is empty.")
    bad = CONTROL_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CsvRejected(
            f"Line {line} contains control characters: the file looks binary, not a CSV file."
        )
    return text


def _too_large() -> str:
    return f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into parts."


def _delimiter(text: str) -> str:
    """Comma, unless the header line has none and uses semicolons or tabs (European Excel)."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    if ";" in header:
        return ";"
    if "\t" in header:
        return "\t"
    return ","


def _read(data: bytes | str, columns: list[str], required: str) -> list[tuple[int, dict]]:
    """The file's rows as (line, {column: cell}); or CsvRejected for an unusable file."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows = []
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            raise CsvRejected("The file is empty.")
        names = [cell.strip().lower() for cell in header]
        _check_header(names, columns, required)
        line = reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(names):
                raise CsvRejected(
                    f"Line {start} has {len(record)} fields but the header has {len(names)}: "
                    "check for a stray comma or an unquoted value."
                )
            rows.append((start, dict(zip(names, record, strict=False))))
            if len(rows) > MAX_ROWS:
                raise CsvRejected(f"The file has more than {MAX_ROWS:,} rows: split it into parts.")
    except csv.Error as error:
        raise CsvRejected(
            f"The file is not valid CSV near line {reader.line_num} ({error}): "
            "check the quotes around values."
        ) from None
    return rows


def _check_header(names: list[str], columns: list[str], required: str) -> None:
    if "" in names:
        raise CsvRejected(
            f"Column {names.index('') + 1} of the header has no name. "
            f"Expected columns: {', '.join(columns)}."
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CsvRejected(f"The header repeats the column(s): {', '.join(duplicates)}.")
    unknown = [name for name in names if name not in columns]
    if unknown:
        raise CsvRejected(
            f"Unknown column(s): {', '.join(unknown)}. Expected columns: {', '.join(columns)}."
        )
    if required not in names:
        raise CsvRejected(
            f"The file has no “{required}” column (is the first line the header?). "
            f"Expected columns: {', '.join(columns)}."
        )


def _cells(record: dict) -> dict[str, str]:
    """Each present column's value, unescaped and trimmed; empty cells left out."""
    cells = {}
    for column, raw in record.items():
        value = unescape_cell(raw).strip()
        if value:
            cells[column] = value
    return cells


# --- Importing -------------------------------------------------------------------------


class _Library:
    """The publishers and sources an import has looked up, so that a row costs few queries.

    Rows work on copies of these objects; only a row that was applied puts its object back
    (remember), so a refused row's half-made changes never reach the next row.
    """

    def __init__(self):
        self.publishers: dict[str, list[Publisher]] = defaultdict(list)
        for publisher in Publisher.objects.all():
            self.publishers[publisher.name.casefold()].append(publisher)
        self.sources: dict[str, Source | None] = {}
        self.publishers_by_host: dict[str, Publisher | None] = {}
        self.canonical_urls: dict[str, CanonicalURL | str] = {}

    def canonical_url(self, url: str) -> CanonicalURL:
        """canonical_url() of a url cell, once per distinct cell (the prefetch and the row
        both ask); UnsafeURL as it raised."""
        if url not in self.canonical_urls:
            try:
                self.canonical_urls[url] = canonical_url(url)
            except UnsafeURL as error:
                self.canonical_urls[url] = str(error)
        found = self.canonical_urls[url]
        if not isinstance(found, CanonicalURL):
            raise UnsafeURL(found)
        return found

    def publishers_named(self, name: str) -> list[Publisher]:
        return self.publishers.get(name.casefold(), [])

    def prefetch_sources(self, urls: list[str]) -> None:
        for begin in range(0, len(urls), 500):
            chunk = urls[begin : begin + 500]
            self.sources.update(dict.fromkeys(chunk))
            found = Source.objects.filter(url__in=chunk).select_related("publisher")
            self.sources.update((source.url, source) for source in found)

    def source(self, url: str) -> Source | None:
        if url not in self.sources:
            self.sources[url] = Source.objects.filter(url=url).select_related("publisher").first()
        return self.sources[url]

    def publisher_for_url(self, url: str) -> Publisher | None:
        """publishers.publisher_for_url, once per host."""
        host = urlsplit(url).hostname or ""
        if host not in self.publishers_by_host:
            self.publishers_by_host[host] = publisher_for_url(url)
        return self.publishers_by_host[host]

    def remember(self, obj) -> None:
        if isinstance(obj, Publisher):
            same = self.publishers[obj.name.casefold()]
            same[:] = [p for p in same if p.pk != obj.pk] + [obj]
        else:
            self.sources[obj.url] = obj


def _run(kind: str, rows: list[tuple[int, dict]], by, progress) -> ImportReport:
    _columns, label_column, apply_row = FORMATS[kind]
    report = ImportReport(kind=kind)
    library = _Library()
    if kind == "sources":
        library.prefetch_sources(_canonical_urls(rows, library))
    for begin in range(0, len(rows), CHUNK_ROWS):
        with transaction.atomic():
            for line, record in rows[begin : begin + CHUNK_ROWS]:
                report.rows.append(_apply(line, record, apply_row, label_column, by, library))
            if progress is not None:
                progress(report, len(rows))  # committed with the chunk's rows
    return report


def _apply(line: int, record: dict, apply_row, label_column: str, by, library) -> RowResult:
    cells = _cells(record)
    label = cells.get(label_column, "")
    try:
        with transaction.atomic():
            action, obj, message = apply_row(cells, by, library)
    except RowRefused as refusal:
        return RowResult(line, "refused", label, str(refusal))
    except DatabaseError as error:
        # A database constraint caught what validation did not: refuse the row.
        return RowResult(line, "refused", label, f"the database refused the row ({error}).")
    library.remember(obj)
    label = obj.name if isinstance(obj, Publisher) else obj.url
    return RowResult(line, action, label, message)


def _canonical_urls(rows: list[tuple[int, dict]], library: _Library) -> list[str]:
    urls = set()
    for _line, record in rows:
        with contextlib.suppress(UnsafeURL):
            urls.add(library.canonical_url(_cells(record).get("url", "")))
    return sorted(urls)


@dataclass(frozen=True)
class CheckedFile:
    """A file that can be imported: its text and how many rows it has."""

    kind: str
    text: str
    rows: int


def check_file(data: bytes | str, kind: str) -> CheckedFile:
    """Read the whole file without touching the database; CsvRejected if it is unusable.

    Quick enough for a request (a 5 MB file takes a fraction of a second), so that a bad
    file is refused at once and only a good one is queued for import.
    """
    columns, label_column, _ = FORMATS[kind]
    text = _decode(data)
    return CheckedFile(kind=kind, text=text, rows=len(_read(text, columns, label_column)))


def import_file(kind: str, data: bytes | str, *, by, progress=None) -> ImportReport:
    """Import a file of publishers or sources (see import_publishers, import_sources).

    `progress(report, total)` is called after each chunk of rows, inside the chunk's
    transaction, with the report so far and the file's number of rows.
    """
    columns, label_column, _ = FORMATS[kind]
    return _run(kind, _read(data, columns, label_column), by, progress)


def import_publishers(data: bytes | str, *, by, progress=None) -> ImportReport:
    """Create or update publishers (matched by name, ignoring case) from CSV."""
    return import_file("publishers", data, by=by, progress=progress)


def import_sources(data: bytes | str, *, by, progress=None) -> ImportReport:
    """Create or update sources (matched by canonical URL) from CSV."""
    return import_file("sources", data, by=by, progress=progress)


def _apply_publisher(cells: dict[str, str], by, library: _Library):
    errors: dict[str, str] = {}
    name = cells.get("name", "")
    if not name:
        raise RowRefused({"name": "the publisher's name is empty."})
    values = {}
    domains = None
    if "domains" in cells:
        domains = _parse_domains(cells["domains"], errors) or None
    if "reliability" in cells:
        values["reliability"] = _choice(cells["reliability"], Reliability, "reliability", errors)
    if "reliability_note" in cells:
        values["reliability_note"] = cells["reliability_note"]
    if "reliability_rated_on" in cells:
        values["reliability_rated_on"] = _date(
            cells["reliability_rated_on"], "reliability_rated_on", errors
        )
    if "homepage" in cells:
        values["homepage"] = _url(cells["homepage"], "homepage", errors)

    matches = library.publishers_named(name)
    if len(matches) > 1:
        errors["name"] = f"more than one publisher is called “{name}” (ignoring case)."
    publisher = copy.copy(matches[0]) if matches else Publisher(name=name)
    if domains:
        taken = {
            entry.domain: entry.publisher.name
            for entry in PublisherDomain.objects.filter(domain__in=domains)
            .exclude(publisher_id=publisher.pk)
            .select_related("publisher")
        }
        if taken:
            errors["domains"] = "; ".join(
                f"{domain} already belongs to {owner}" for domain, owner in sorted(taken.items())
            )
    if errors:
        raise RowRefused(errors)

    changed = _assign(publisher, values, url_fields={"homepage"})
    created = publisher.pk is None
    if created or changed:
        _save(publisher, by)
    if domains is not None:
        current = {} if created else {entry.domain: entry for entry in publisher.domains.all()}
        if set(domains) != set(current):
            changed.append("domains")
            for domain, entry in current.items():
                if domain not in domains:
                    entry._history_user = by
                    entry.delete()
            for domain in domains:
                if domain not in current:
                    entry = PublisherDomain(publisher=publisher, domain=domain)
                    _validate(entry, {"domain": "domains"})
                    entry._history_user = by
                    entry.save()
    return _outcome(created, changed, publisher)


def _apply_source(cells: dict[str, str], by, library: _Library):
    errors: dict[str, str] = {}
    try:
        url = library.canonical_url(cells.get("url", ""))
    except UnsafeURL as error:
        raise RowRefused({"url": str(error)}) from None
    values: dict = {}
    for column in ("title", "author", "summary"):
        if column in cells:
            values[column] = cells[column]
    if "publisher" in cells:
        matches = library.publishers_named(cells["publisher"])
        if not matches:
            errors["publisher"] = (
                f"no publisher is called “{cells['publisher']}”: import the publishers first."
            )
        elif len(matches) > 1:
            errors["publisher"] = f"more than one publisher is called “{cells['publisher']}”."
        else:
            values["publisher"] = matches[0]
    if "published_on" in cells:
        values["published_on"] = _date(cells["published_on"], "published_on", errors)
    if "kind" in cells:
        values["kind"] = _choice(cells["kind"], SourceKind, "kind", errors)
    if "archived_url" in cells:
        values["archived_url"] = _url(cells["archived_url"], "archived_url", errors)
    if errors:
        raise RowRefused(errors)

    existing = library.source(url)
    created = existing is None
    if created:
        source = Source(url=url, created_by=by)
        if "publisher" not in values:
            values["publisher"] = library.publisher_for_url(url)
    else:
        source = copy.copy(existing)
    changed = _assign(source, values, url_fields={"archived_url"})
    if created or changed:
        _save(source, by)
    return _outcome(created, changed, source)


# Each kind of file: its columns, the column that names a row, and how a row is applied.
FORMATS = {
    "publishers": (PUBLISHER_COLUMNS, "name", _apply_publisher),
    "sources": (SOURCE_COLUMNS, "url", _apply_source),
}


def _assign(obj, values: dict, *, url_fields: set[str]) -> list[str]:
    """Set the values that differ from obj's; return the names of those changed."""
    changed = []
    for name, value in values.items():
        current = getattr(obj, name)
        if name in url_fields and current and _same_url(current, value):
            continue
        if current != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _same_url(current: str, new: str) -> bool:
    try:
        return canonical_url(current) == new
    except UnsafeURL:
        return False


def _save(obj, by) -> None:
    _validate(obj)
    obj._history_user = by
    obj.save()


def _validate(obj, columns: dict[str, str] | None = None) -> None:
    """Field validation (lengths, choices, URLs) as a row refusal naming the column.

    Relations were looked up by the import itself; uniqueness and check constraints are
    the database's to enforce (a violation refuses the row).
    """
    try:
        obj.clean_fields(exclude=[f.name for f in obj._meta.fields if f.is_relation])
    except ValidationError as error:
        columns = columns or {}
        raise RowRefused(
            {
                columns.get(name, "row" if name == "__all__" else name): " ".join(messages)
                for name, messages in error.message_dict.items()
            }
        ) from None


def _outcome(created: bool, changed: list[str], obj):
    if created:
        return "created", obj, ""
    if changed:
        return "updated", obj, "changed: " + ", ".join(changed)
    return "unchanged", obj, ""


def _choice(value: str, choices, column: str, errors: dict) -> str | None:
    """A choice by its value or its label, ignoring case."""
    wanted = value.strip().lower()
    for choice_value, label in choices.choices:
        if wanted in (choice_value.lower(), str(label).lower()):
            return choice_value
    errors[column] = f"“{value}” is not one of: {', '.join(choices.values)}."
    return None


def _date(value: str, column: str, errors: dict) -> datetime.date | None:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors[column] = f"“{value}” is not a date written as YYYY-MM-DD."
        return None


def _url(value: str, column: str, errors: dict) -> str:
    try:
        return canonical_url(value)
    except UnsafeURL as error:
        errors[column] = str(error)
        return ""


def _parse_domains(value: str, errors: dict) -> list[str]:
    """The domains of a cell (separated by spaces or semicolons), normalised; errors noted."""
    domains, bad = [], []
    for item in DOMAIN_SEPARATORS.split(value):
        if not item:
            continue
        host = item.lower()
        if "/" in host:  # a URL pasted in place of its domain
            host = urlsplit(host if "://" in host else "//" + host).hostname or ""
        host = host.strip(".")
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
        if DOMAIN_PATTERN.fullmatch(host):
            if host not in domains:
                domains.append(host)
        else:
            bad.append(item)
    if bad:
        errors["domains"] = f"not a web domain: {', '.join(bad)}."
    return domains
