"""The desk's own archive: a web page kept as the desk got it, in a WARC file.

A fetched page is kept as a WARC `response` record (the final response's status line and
headers, then the page); an uploaded HTML file as a `resource` record. Files go to
Django's default storage (MEDIA_ROOT unless STORAGES says otherwise) and are never
changed. The page is stored decoded from gzip, so the record's Content-Encoding and
Transfer-Encoding headers are dropped and Content-Length is the stored length (the
original values are kept as X-Archive-Orig-* headers, as web archives do).
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claims.models import ArchivedPage
from claims.sources.fetching import FetchedPage

# Headers that describe the bytes on the wire, not the bytes stored.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class ArchiveUnreadable(Exception):
    """The archived file is missing or damaged."""


@dataclass(frozen=True)
class ArchivedContent:
    body: bytes
    content_type: str
    charset: str


def archive_fetched(page: FetchedPage, *, by=None) -> ArchivedPage:
    """Keep a fetched page, with its response headers, in the desk's storage."""
    headers = [(name, value) for name, value in page.headers if name.lower() not in WIRE_HEADERS]
    headers += [
        (f"X-Archive-Orig-{name}", value)
        for name, value in page.headers
        if name.lower() in WIRE_HEADERS
    ]
    headers.append(("Content-Length", str(len(page.body))))
    http_headers = StatusAndHeaders(f"{page.status} OK", headers, protocol="HTTP/1.1")
    warc = _warc(page.url, "response", page.body, page.fetched_at, http_headers=http_headers)
    return _stored(
        url=page.url,
        warc=warc,
        body=page.body,
        content_type=page.content_type or "text/html",
        charset=page.charset,
        captured_at=page.fetched_at,
        by=by,
    )


def archive_upload(body: bytes, *, filename: str, by=None) -> ArchivedPage:
    """Keep an HTML file a reviewer uploaded (no URL: its record is named after the file)."""
    now = datetime.now(UTC)
    uri = f"urn:upload:{hashlib.sha256(body).hexdigest()}:{filename[:100]}"
    warc = _warc(uri, "resource", body, now, content_type="text/html")
    return _stored(
        url="", warc=warc, body=body, content_type="text/html", charset="", captured_at=now, by=by
    )


def archived_content(archived: ArchivedPage) -> ArchivedContent:
    """The page's bytes as kept, with its content type and declared charset."""
    try:
        with archived.warc.open("rb") as file:
            for record in ArchiveIterator(file):
                if record.rec_type in ("response", "resource"):
                    body = record.content_stream().read()
                    break
            else:
                raise ArchiveUnreadable("The archived file holds no page.")
    except (OSError, ArchiveLoadFailed, ValueError) as error:
        raise ArchiveUnreadable(f"The archived copy cannot be read ({error}).") from error
    if hashlib.sha256(body).hexdigest() != archived.sha256:
        raise ArchiveUnreadable("The archived copy does not match its checksum.")
    return ArchivedContent(body=body, content_type=archived.content_type, charset=archived.charset)


def _warc(
    uri: str,
    record_type: str,
    body: bytes,
    when: datetime,
    *,
    http_headers: StatusAndHeaders | None = None,
    content_type: str = "",
) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    date = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = writer.create_warc_record(
        uri,
        record_type,
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type=content_type,
        warc_headers_dict={"WARC-Date": date},
        http_headers=http_headers,
    )
    writer.write_record(record)
    return buffer.getvalue()


def _stored(
    *, url, warc: bytes, body: bytes, content_type, charset, captured_at, by
) -> ArchivedPage:
    digest = hashlib.sha256(body).hexdigest()
    archived = ArchivedPage(
        url=url,
        content_type=content_type[:100],
        charset=charset[:40],
        sha256=digest,
        size=len(body),
        captured_at=captured_at,
        created_by=by,
    )
    # The file is written before the row: a transaction rolled back after this leaves an
    # unreferenced file behind, never a row without its file.
    archived.warc.save(f"{digest[:32]}.warc.gz", ContentFile(warc), save=False)
    archived.save()
    return archived
