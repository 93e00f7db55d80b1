"""The desk's own rules for a fetched page's text: field limits, a content hash, and
whether a citation's excerpt is in the page.

Reading a page (charset, article text, title, author, date, site name) is
claims.sources.extraction's job, on trafilatura; what is here is what the desk decides:
how long a field may be, when two texts count as the same words, and what "found" means.
"""

import hashlib
import re
import unicodedata

TITLE_MAX = 500
AUTHOR_MAX = 300
PUBLISHER_MAX = 300

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
