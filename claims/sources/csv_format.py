"""The CSV files of the source library: their columns, writing them, reading them back.

No database work here beyond the export's querysets: reading a file gives its rows as
(line, {column: cell}), or CsvRejected for a file that cannot be read as a whole (not UTF-8,
binary, empty, unknown or missing columns, broken quoting, too large). The cell parsers
turn a cell into a value or note an error against its column.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are exported behind a single quote; reading removes that one quote again.
"""

import contextlib
import csv
import datetime
import io
import re
from urllib.parse import urlsplit

from claims.sources.canonical import UnsafeURL, canonical_url

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
# Each kind of file: its columns and the column that names a row.
COLUMNS = {"publishers": (PUBLISHER_COLUMNS, "name"), "sources": (SOURCE_COLUMNS, "url")}
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024

# Leading characters a spreadsheet takes for a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 controls other than tab and newlines: a text file never has them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DOMAIN_SEPARATORS = re.compile(r"[\s;,]+")
DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_PATTERN = re.compile(rf"(?=.{{4,253}}$)(?:{DOMAIN_LABEL}\.)+{DOMAIN_LABEL}")


class CsvRejected(ValueError):
    """The whole file is unusable; the message says why, for a person. Nothing was changed."""


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


def decode(data: bytes | str) -> str:
    """The file's text, without a byte-order mark; CsvRejected if it is not a text file."""
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


def read_rows(data: bytes | str, kind: str) -> list[tuple[int, dict]]:
    """The file's rows as (line, {column: cell}); or CsvRejected for an unusable file."""
    columns, required = COLUMNS[kind]
    text = decode(data)
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


def cells(record: dict) -> dict[str, str]:
    """Each present column's value, unescaped and trimmed; empty cells left out."""
    found = {}
    for column, raw in record.items():
        value = unescape_cell(raw).strip()
        if value:
            found[column] = value
    return found


# --- Cells -----------------------------------------------------------------------------


def parse_choice(value: str, choices, column: str, errors: dict) -> str | None:
    """A choice by its value or its label, ignoring case."""
    wanted = value.strip().lower()
    for choice_value, label in choices.choices:
        if wanted in (choice_value.lower(), str(label).lower()):
            return choice_value
    errors[column] = f"“{value}” is not one of: {', '.join(choices.values)}."
    return None


def parse_date(value: str, column: str, errors: dict) -> datetime.date | None:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors[column] = f"“{value}” is not a date written as YYYY-MM-DD."
        return None


def parse_url(value: str, column: str, errors: dict) -> str:
    try:
        return canonical_url(value)
    except UnsafeURL as error:
        errors[column] = str(error)
        return ""


def parse_domains(value: str, errors: dict) -> list[str]:
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
