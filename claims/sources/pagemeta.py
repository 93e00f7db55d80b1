"""What a fetched page says about itself, its readable text, and whether an excerpt is in it.

Pure functions over HTML strings, built on the standard library's forgiving html.parser:
broken markup, odd encodings and malformed JSON-LD degrade to less metadata, never to an
error. Metadata is read in the order publishers make it reliable: schema.org JSON-LD,
then OpenGraph and other meta tags, then plain HTML.
"""

import codecs
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TITLE_MAX = 500
AUTHOR_MAX = 300
PUBLISHER_MAX = 300
DESCRIPTION_MAX = 1000
LANGUAGE_MAX = 35

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "DiscussionForumPosting",
        "ScholarlyArticle",
        "TechArticle",
        "Report",
        "GovernmentPermit",
        "PressRelease",
    }
)
PAGE_TYPES = frozenset(
    {"WebPage", "ItemPage", "AboutPage", "CollectionPage", "ProfilePage", "QAPage", "FAQPage"}
)
SITE_TYPES = frozenset({"WebSite", "NewsMediaOrganization", "Organization"})

DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "parsely-pub-date",
    "sailthru.date",
)
AUTHOR_META = ("article:author", "author", "dc.creator", "dcterms.creator", "parsely-author")
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ")

# Elements whose content is never part of the readable text.
DROPPED = frozenset(
    {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "noscript",
        "template",
        "head",
        "title",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "button",
        "select",
        "textarea",
        "dialog",
    }
)
BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
    }
)
LINES = frozenset({"br", "tr", "caption"})
CELLS = frozenset({"td", "th"})
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# An open element of the key's kind ends when one of these starts (HTML's implied end tags).
IMPLIED_END = {
    "p": BLOCKS,
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "tr": frozenset({"tr"}),
    "td": frozenset({"td", "th", "tr"}),
    "th": frozenset({"td", "th", "tr"}),
    "option": frozenset({"option"}),
}


# WHATWG maps these legacy labels to the wider encodings browsers actually use.
ENCODING_OVERRIDES = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "korean": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
}
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
META_CHARSET = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE
)
PRESCAN_BYTES = 4096

QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # zero-width no-break space (BOM)
    }
)
WHITESPACE = re.compile(r"\s+")
ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class PageMetadata:
    title: str
    publisher_name: str
    author: str
    published_on: date | None
    canonical_url: str
    description: str
    language: str


class _Break(Enum):
    LINE = "line"
    PARAGRAPH = "paragraph"


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["_Element | str"] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A lenient element tree: stray end tags are ignored, unclosed elements end with the parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while len(self.stack) > 1 and tag in IMPLIED_END.get(self.stack[-1].tag, ()):
            self.stack.pop()
        element = _Element(tag, {name: value or "" for name, value in reversed(attrs)})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(markup: str) -> _Element:
    builder = _TreeBuilder()
    try:
        builder.feed(markup)
        builder.close()
    except (AssertionError, ValueError, IndexError):
        # Older html.parser releases raise on some broken declarations; keep what was read.
        return builder.root
    return builder.root


def _elements(root: _Element) -> Iterator[_Element]:
    """Every element in document order, without recursion (pages can nest very deeply)."""
    stack = [root]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(child for child in reversed(element.children) if isinstance(child, _Element))


def _text_of(element: _Element) -> str:
    return "".join(
        child for node in _elements(element) for child in node.children if isinstance(child, str)
    )


def _clean(value: object, limit: int = 0) -> str:
    """A stripped, whitespace-collapsed, HTML-unescaped string, cut to limit characters."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = WHITESPACE.sub(" ", html.unescape(str(value))).strip()
    return text[:limit].rstrip() if limit else text


def page_metadata(html: str, *, base_url: str) -> PageMetadata:
    """Title, publisher, author, date, canonical URL, description and language of a page."""
    root = _parse(html)
    meta: dict[str, str] = {}
    ld_scripts: list[str] = []
    title = canonical = language = ""
    in_svg = set()
    for element in _elements(root):
        tag, attrs = element.tag, element.attrs
        if tag == "svg":
            in_svg.update(id(node) for node in _elements(element))
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
            key = (key or attrs.get("http-equiv", "")).strip().lower()
            value = _clean(attrs.get("content", ""))
            if key and value and key not in meta:
                meta[key] = value
        elif tag == "script" and attrs.get("type", "").strip().lower() == "application/ld+json":
            ld_scripts.append(_text_of(element))
        elif tag == "title" and not title and id(element) not in in_svg:
            title = _clean(_text_of(element))
        elif (
            tag == "link" and "canonical" in attrs.get("rel", "").lower().split() and not canonical
        ):
            canonical = _http_url(attrs.get("href", ""), base_url)
        elif tag == "html" and not language:
            language = _clean(attrs.get("lang") or attrs.get("xml:lang", ""))

    ld = _json_ld(ld_scripts)
    publisher = _first(
        ld.get("publisher", ""),
        meta.get("og:site_name", ""),
        ld.get("site_name", ""),
        meta.get("application-name", ""),
    )
    publisher = publisher[:PUBLISHER_MAX].rstrip()
    headline = _first(
        ld.get("headline", ""), meta.get("og:title", ""), meta.get("twitter:title", ""), title
    )
    author = _first(ld.get("author", ""), *(_meta_author(meta.get(key, "")) for key in AUTHOR_META))
    published_on = _iso_date(ld.get("date", ""))
    for key in DATE_META:
        published_on = published_on or _iso_date(meta.get(key, ""))
    locale = meta.get("og:locale", "").replace("_", "-")
    language = _first(language, ld.get("language", ""), locale, meta.get("content-language", ""))
    return PageMetadata(
        title=_without_site_suffix(headline, publisher)[:TITLE_MAX].rstrip(),
        publisher_name=publisher,
        author=author[:AUTHOR_MAX].rstrip(),
        published_on=published_on,
        canonical_url=canonical or _http_url(meta.get("og:url", ""), base_url),
        description=_first(
            ld.get("description", ""),
            meta.get("og:description", ""),
            meta.get("description", ""),
            meta.get("twitter:description", ""),
        )[:DESCRIPTION_MAX].rstrip(),
        language=language[:LANGUAGE_MAX],
    )


def _first(*values: str) -> str:
    return next((value for value in values if value), "")


def _meta_author(value: str) -> str:
    # article:author is often a profile URL rather than a name.
    return "" if re.match(r"(?i)https?://", value) else value


def _http_url(href: str, base_url: str) -> str:
    href = href.strip()
    if not href:
        return ""
    try:
        url = urljoin(base_url, href)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


def _without_site_suffix(title: str, site: str) -> str:
    """The title without a trailing " | Site" when Site is the publisher's name."""
    if not site:
        return title
    for separator in TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and tail.strip().casefold() == site.casefold():
            return head.strip()
    return title


def _iso_date(value: str) -> date | None:
    match = ISO_DATE.match(value or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _json_ld(scripts: list[str]) -> dict[str, str]:
    """The useful fields of the page's main schema.org node, as cleaned strings."""
    nodes = [node for script in scripts for node in _ld_nodes(_load_json(script))]
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    article = next((node for node in nodes if _types(node) & ARTICLE_TYPES), None)
    page = next((node for node in nodes if _types(node) & PAGE_TYPES), None)
    site = next((node for node in nodes if _types(node) & SITE_TYPES), None)
    main = article or page
    if main is None:
        return {"site_name": _clean(site.get("name"), PUBLISHER_MAX)} if site else {}

    def resolved(value: object) -> object:
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            return by_id.get(value["@id"], value)
        return value

    publisher = resolved(main.get("publisher"))
    if isinstance(publisher, list):
        publisher = resolved(publisher[0]) if publisher else None
    return {
        "headline": _clean(main.get("headline") or main.get("name"), TITLE_MAX),
        "author": _ld_names(main.get("author") or main.get("creator"), resolved),
        "publisher": _ld_name(publisher),
        "date": _clean(main.get("datePublished") or main.get("dateCreated")),
        "description": _clean(main.get("description"), DESCRIPTION_MAX),
        "language": _clean(main.get("inLanguage")),
        "site_name": _clean(site.get("name"), PUBLISHER_MAX) if site else "",
    }


def _load_json(script: str) -> object:
    text = script.strip()
    # Some pages wrap the data in HTML comments or CDATA markers.
    text = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    text = re.sub(r"(-->|//\s*\]\]>|\]\]>)\s*$", "", text).strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def _ld_nodes(data: object) -> Iterator[dict]:
    """The objects of a JSON-LD document: a node, a list of nodes, or an @graph."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            graph = item.get("@graph")
            if isinstance(graph, list | dict):
                pending.append(graph)


def _types(node: dict) -> set[str]:
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    return {re.split(r"[/:#]", kind)[-1] for kind in types if isinstance(kind, str)}


def _ld_name(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    return _clean(value, PUBLISHER_MAX)


def _ld_names(value: object, resolved) -> str:
    """Author names from a string, a Person/Organization, a reference, or a list of them."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = _ld_name(resolved(item))
        if name and name not in names:
            names.append(name)
    return ", ".join(names)[:AUTHOR_MAX]


def readable_text(html: str) -> str:
    """The page's main text, paragraphs separated by a blank line.

    Scripts, styles, navigation, headers, footers, asides, forms and hidden elements are
    left out. The text comes from the largest <article>, unless it holds less than half
    of <main> (teaser cards inside a page), then from <main>, then from <body>.
    """
    root = _parse(html)
    articles = [el for el in _elements(root) if el.tag == "article" and not _hidden(el)]
    main = next((el for el in _elements(root) if el.tag == "main" and not _hidden(el)), None)
    body = next((el for el in _elements(root) if el.tag == "body"), root)
    chosen = main or body
    if articles:
        text = max((_visible_text(article) for article in articles), key=len)
        if main is None or len(text) * 2 >= len(_visible_text(main)):
            return text
    return _visible_text(chosen)


def _hidden(element: _Element) -> bool:
    attrs = element.attrs
    style = attrs.get("style", "").replace(" ", "").lower()
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden", "").lower() == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _visible_text(root: _Element) -> str:
    """Text of an element with paragraph and line breaks, skipping dropped elements."""
    parts: list[str | _Break] = []
    stack: list[_Element | str | _Break] = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, _Element):
            parts.append(node)
            continue
        if node is not root and (node.tag in DROPPED or _hidden(node)):
            continue
        if node.tag in BLOCKS:
            parts.append(_Break.PARAGRAPH)
            stack.append(_Break.PARAGRAPH)
        elif node.tag in LINES:
            parts.append(_Break.LINE)
            stack.append(_Break.LINE)
        elif node.tag in CELLS:
            parts.append(" ")
            stack.append(" ")
        stack.extend(reversed(node.children))
    return _assemble(parts)


def _assemble(parts: list["str | _Break"]) -> str:
    """Paragraphs joined by a blank line, lines by a newline, spaces collapsed inside lines."""
    paragraphs: list[str] = []
    lines: list[str] = []
    words: list[str] = []
    for part in [*parts, _Break.PARAGRAPH]:
        if isinstance(part, str):
            words.append(part)
            continue
        line = WHITESPACE.sub(" ", "".join(words)).strip()
        words.clear()
        if line:
            lines.append(line)
        if part is _Break.PARAGRAPH and lines:
            paragraphs.append("\n".join(lines))
            lines.clear()
    return "\n\n".join(paragraphs)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of a page's readable text, to notice when the page changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_for_matching(text: str) -> str:
    """Text reduced to what a reader would call the same words.

    Case folded; curly quotes and primes made straight; dashes made hyphens; soft
    hyphens and zero-width characters removed; NFKC compatibility forms; all whitespace
    (including non-breaking spaces) collapsed to single spaces.
    """
    text = unicodedata.normalize("NFKC", text.translate(QUOTES)).casefold()
    return WHITESPACE.sub(" ", text.translate(QUOTES)).strip()


def excerpt_found(excerpt: str, page_text: str) -> bool:
    """Whether the excerpt appears in the page text, ignoring case, quotes, dashes and spacing."""
    needle = normalise_for_matching(excerpt)
    return bool(needle) and needle in normalise_for_matching(page_text)


def decode_html(body: bytes, charset_hint: str) -> str:
    """The page as text: a byte-order mark, else the HTTP charset, else <meta charset>, else UTF-8.

    Undecodable bytes become U+FFFD rather than an error.
    """
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    encoding = _codec(charset_hint)
    if encoding is None:
        match = META_CHARSET.search(body[:PRESCAN_BYTES])
        encoding = _codec(match.group(1).decode("ascii")) if match else None
        # A meta tag read as ASCII cannot really mean UTF-16 (WHATWG's rule).
        if encoding and encoding.startswith("utf-16"):
            encoding = "utf-8"
    return body.decode(encoding or "utf-8", errors="replace")


def _codec(label: str) -> str | None:
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    label = ENCODING_OVERRIDES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
