"""The desk's archive: pages kept as WARC files in Django's storage, read back unchanged."""

import gzip
from datetime import UTC, datetime

import pytest

from claims.sources.archive import (
    ArchiveUnreadable,
    archive_fetched,
    archive_upload,
    archived_content,
)
from claims.sources.fetching import FetchedPage

pytestmark = pytest.mark.django_db

PAGE = "<html><body><p>Café prices rose 5%.</p></body></html>".encode("cp1252")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def fetched(**headers) -> FetchedPage:
    return FetchedPage(
        url="https://news.example/a",
        status=200,
        content_type="text/html",
        charset="windows-1252",
        body=PAGE,
        fetched_at=datetime(2024, 3, 14, 21, 5, tzinfo=UTC),
        headers=tuple(headers.items()) or (("Content-Type", "text/html; charset=windows-1252"),),
    )


def test_a_fetched_page_is_kept_with_its_response_headers():
    """The WARC response record holds the status, the headers and the page's bytes."""
    archived = archive_fetched(
        fetched(**{"Content-Type": "text/html", "Content-Encoding": "gzip", "Server": "x"})
    )
    warc = gzip.decompress(archived.warc.read()).decode("latin-1")
    assert "WARC-Type: response" in warc
    assert "WARC-Target-URI: https://news.example/a" in warc
    assert "WARC-Date: 2024-03-14T21:05:00Z" in warc
    assert "HTTP/1.1 200 OK" in warc
    assert "Server: x" in warc
    # Stored decoded: the wire encoding is kept only as a record of what was sent.
    assert "\r\nContent-Encoding" not in warc
    assert "X-Archive-Orig-Content-Encoding: gzip" in warc
    assert f"Content-Length: {len(PAGE)}" in warc
    content = archived_content(archived)
    assert (content.body, content.charset) == (PAGE, "windows-1252")
    assert (archived.size, archived.captured_at.year) == (len(PAGE), 2024)


def test_an_upload_is_kept_as_a_resource_record():
    """An uploaded page has no URL; its record is named after its digest and file name."""
    archived = archive_upload(PAGE, filename="saved.html")
    warc = gzip.decompress(archived.warc.read()).decode("latin-1")
    assert "WARC-Type: resource" in warc
    assert "saved.html" in warc
    assert archived.url == ""
    assert archived_content(archived).body == PAGE


def test_a_changed_or_missing_file_is_noticed():
    """The checksum guards the copy: a damaged or missing file is unreadable, not wrong."""
    archived = archive_fetched(fetched())
    archived.sha256 = "0" * 64
    with pytest.raises(ArchiveUnreadable, match="checksum"):
        archived_content(archived)
    archived.warc.storage.delete(archived.warc.name)
    with pytest.raises(ArchiveUnreadable):
        archived_content(archived)
