"""A web page in; its article text, title, author, date and site name out.

The extraction is trafilatura's (the best open-source figure on the public Article
Extraction Benchmark; `evaluate_extraction` measures the desk's use of it, see
docs/extraction.md). It reads schema.org JSON-LD, OpenGraph and other meta tags for the
metadata and tells the article body from menus, teasers, comments and footers.
`favor_precision` is on: for a fact-check desk a menu or a "related stories" list taken
for article text is worse than a missed caption, since claims are detected in that text
and excerpts are checked against it.

What stays the desk's own: the charset order (w3lib's WHATWG-style detection), the
length limits of the fields, paragraphs separated by a blank line (the detector reads
them as paragraph breaks), a site name that is only the host name not counting as one,
and a cap on the number of elements, because extraction time grows with it and a hostile
page of a few megabytes could otherwise hold a worker for minutes.
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from lxml.etree import ParserError
from trafilatura import bare_extraction, extract_metadata
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt
from w3lib.encoding import html_to_unicode, http_content_type_encoding, read_bom

from claims.sources.pagemeta import AUTHOR_MAX, PUBLISHER_MAX, TITLE_MAX

# Ten times the largest page of the extraction benchmark (1,709 elements); past this,
# extraction would take several seconds.
MAX_ELEMENTS = 20_000
# htmldate only reads the page's own date fields and URL, never guesses from the text.
DATE_SEARCH = {"original_date": True, "extensive_search": False}
WHITESPACE = re.compile(r"[^\S\n]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


class PageUnreadable(ValueError):
    """The page cannot be read as an article; the message says why, for a person."""


@dataclass(frozen=True)
class ExtractedPage:
    title: str
    author: str
    published_on: date | None
    site_name: str
    body: str  # the article text, paragraphs separated by a blank line; "" if none found


def decode_html(body: bytes, charset_hint: str = "") -> str:
    """The page as text: a byte-order mark, else the HTTP charset, else the page's own
    <meta> declaration, else UTF-8. Undecodable bytes become U+FFFD rather than an error."""
    content_type = f"text/html; charset={charset_hint}" if charset_hint else None
    encoding, text = html_to_unicode(content_type, body)
    # A <meta> read as ASCII cannot really mean UTF-16 (the WHATWG rule w3lib leaves out).
    if (
        encoding.startswith("utf-16")
        and read_bom(body)[0] is None
        and not http_content_type_encoding(content_type)
    ):
        return body.decode("utf-8", errors="replace")
    return text


def extracted_page(html: str, *, url: str = "") -> ExtractedPage:
    """What an article page holds: its body text and metadata, each empty when not found.

    Raises PageUnreadable for a page with more than MAX_ELEMENTS elements.
    """
    tree = _tree(html)
    if tree is None:
        return ExtractedPage(title="", author="", published_on=None, site_name="", body="")
    document = bare_extraction(
        tree,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        date_extraction_params=DATE_SEARCH,
    )
    if document is None:
        # No article text; the metadata may still be there (a source's page of links).
        document = extract_metadata(_tree(html), default_url=url or None, date_config=DATE_SEARCH)
    title = _clean(document.title)
    return ExtractedPage(
        title=title[:TITLE_MAX].rstrip(),
        author=_clean(document.author).replace("; ", ", ")[:AUTHOR_MAX].rstrip(),
        published_on=_date(document.date),
        site_name=_site_name(document.sitename, url, document.hostname)[:PUBLISHER_MAX].rstrip(),
        body=_without_headline(_paragraphs(getattr(document, "body", None)), title),
    )


def article_body(html: str) -> str:
    """The article text of a page, paragraphs separated by a blank line ("" if none)."""
    return extracted_page(html).body


def _tree(html: str):
    """The parsed page, None when there is nothing to parse, PageUnreadable when too big."""
    if not html.strip():
        return None
    try:
        tree = load_html(html)
    except (ParserError, ValueError):
        return None
    if tree is None:
        return None
    for count, _element in enumerate(tree.iter(), start=1):
        if count > MAX_ELEMENTS:
            raise PageUnreadable(
                f"The page has more than {MAX_ELEMENTS:,} HTML elements: too large to read "
                "as an article."
            )
    return tree


def _paragraphs(body) -> str:
    """The extracted tree as text: one paragraph per block, lines kept inside a block."""
    if body is None:
        return ""
    paragraphs = []
    for block in body:
        text = WHITESPACE.sub(" ", xmltotxt(block, include_formatting=False))
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        if text:
            paragraphs.append(text)
    return BLANK_LINES.sub("\n\n", "\n\n".join(paragraphs))


def _without_headline(body: str, title: str) -> str:
    """The body without a first paragraph that only repeats the title (kept as the title)."""
    first, _, rest = body.partition("\n\n")
    if title and rest and _clean(first).casefold() == title.casefold():
        return rest
    return body


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _site_name(name: str | None, url: str, page_host: str | None) -> str:
    """The page's own name for its site; trafilatura falls back to the host name, which
    names no publisher."""
    name = _clean(name)
    parts = urlsplit(url)
    hosts = {(parts.hostname or "").lower(), parts.netloc.lower(), (page_host or "").lower()}
    if not name or name.lower().removeprefix("www.") in {h.removeprefix("www.") for h in hosts}:
        return ""
    return name
