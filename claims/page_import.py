"""Importing an article from the web: a URL (fetched by the desk's safe fetcher) or a saved
HTML page (uploaded), kept as the desk's archived copy, read into a draft the reviewer
corrects, then imported through `claims.importing.import_article` like any other article.

The draft is always read again from the archived copy, so what the reviewer confirms is
what the desk keeps; nothing fetched is held between requests but the archive's row.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from claims.importing import ArticleRejected
from claims.models import ArchivedPage, Publisher
from claims.sources.archive import (
    ArchiveUnreadable,
    archive_fetched,
    archive_upload,
    archived_content,
)
from claims.sources.canonical import UnsafeURL, canonical_url
from claims.sources.extraction import ExtractedPage, PageUnreadable, decode_html, extracted_page
from claims.sources.fetching import FetchedPage, FetchRefused, fetch_page
from claims.sources.publishers import publisher_for_url


@dataclass(frozen=True)
class ArticleDraft:
    """What the desk read from a page, for the reviewer to correct before importing."""

    archived: ArchivedPage
    url: str
    title: str
    author: str
    published_on: date | None
    body: str
    site_name: str  # what the page calls its site: shown, never used as the publisher
    publisher: Publisher | None  # from the desk's own host -> publisher links only


def fetched_article_page(url: str) -> FetchedPage:
    """The page at url, fetched by the desk's safe fetcher; ArticleRejected says why not."""
    try:
        return fetch_page(
            url,
            timeout=settings.FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.FETCH_MAX_BYTES,
            allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        )
    except FetchRefused as error:
        raise ArticleRejected(str(error)) from error


def fetch_article_page(url: str, *, by=None) -> ArchivedPage:
    """Fetch the page at url and keep it; ArticleRejected says why not."""
    return archive_fetched(fetched_article_page(url), by=by)


def read_article_page(body: bytes, *, charset: str, url: str) -> ExtractedPage:
    """What the desk reads from an article page's bytes (PageUnreadable if it cannot)."""
    return extracted_page(decode_html(body, charset), url=url)


def upload_article_page(data: bytes, *, filename: str, by=None) -> ArchivedPage:
    """Keep a saved HTML page a reviewer uploaded; ArticleRejected if it is not one."""
    if len(data) > settings.FETCH_MAX_BYTES:
        raise ArticleRejected(
            f"The page is larger than {settings.FETCH_MAX_BYTES / 1_000_000:g} MB."
        )
    if not data.strip():
        raise ArticleRejected("The file is empty.")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleRejected("The file is not an HTML page (is it a PDF or an image?).")
    return archive_upload(data, filename=filename, by=by)


def article_draft(archived: ArchivedPage) -> ArticleDraft:
    """The article as read from its archived page; ArticleRejected when there is none."""
    try:
        content = archived_content(archived)
        page = read_article_page(content.body, charset=content.charset, url=archived.url)
    except (ArchiveUnreadable, PageUnreadable) as error:
        raise ArticleRejected(str(error)) from error
    if not page.body:
        raise ArticleRejected(
            "No article text was found on this page. Paste the article's text instead."
        )
    url = _canonical_or_empty(archived.url)
    return ArticleDraft(
        archived=archived,
        url=url,
        title=page.title,
        author=page.author,
        published_on=page.published_on,
        body=page.body,
        site_name=page.site_name,
        publisher=publisher_for_url(url) if url else None,
    )


def _canonical_or_empty(url: str) -> str:
    try:
        return canonical_url(url) if url else ""
    except UnsafeURL:
        return ""
