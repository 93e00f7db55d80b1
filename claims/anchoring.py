"""Anchoring claims in an article body: spans, W3C TextQuoteSelectors and re-anchoring.

Offsets are Unicode code points (Python string indices), end exclusive. A claim keeps its
exact quote with ~32 characters of context on each side (the W3C Web Annotation
TextQuoteSelector), plus a hash of the text it was anchored in, so that it can be found
again if the text ever changes, and marked orphaned when it cannot be found unambiguously.
"""

import hashlib
from dataclasses import dataclass

CONTEXT_CHARS = 32


class SpanError(ValueError):
    """A span that does not fit the text, or whose quote does not match it."""


@dataclass(frozen=True)
class TextQuoteSelector:
    exact: str
    prefix: str
    suffix: str


def text_hash(text: str) -> str:
    """The SHA-256 of a text, as hex: identifies the exact body a span was counted in."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def check_span(text: str, start: int, end: int, quote: str | None = None) -> None:
    """Raise SpanError unless [start, end) is a non-empty span of text (matching quote)."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise SpanError("Offsets must be whole numbers.")
    if start < 0 or end > len(text):
        raise SpanError(f"The span {start}–{end} lies outside the text (0–{len(text)}).")
    if end <= start:
        raise SpanError("A span must end after it starts.")
    if not text[start:end].strip():
        raise SpanError("A span must cover some words, not only whitespace.")
    if quote is not None and text[start:end] != quote:
        raise SpanError("The quoted words are not at that place in the text.")


def quote_selector(text: str, start: int, end: int) -> TextQuoteSelector:
    """The TextQuoteSelector of a valid span: the exact words and their context."""
    check_span(text, start, end)
    return TextQuoteSelector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def find_anchor(
    text: str, selector: TextQuoteSelector, hint: int | None = None
) -> tuple[int, int] | None:
    """Where the selector's quote is in text, or None when it cannot be placed for sure.

    The quote is placed at the hinted offset if it is still there with the same context;
    otherwise at its only occurrence, or at the only occurrence whose prefix and suffix
    still match. Anything ambiguous or missing returns None: a claim is never silently
    re-attached to other words.
    """
    exact = selector.exact
    if not exact:
        return None
    occurrences = []
    position = text.find(exact)
    while position != -1:
        occurrences.append(position)
        position = text.find(exact, position + 1)
    if not occurrences:
        return None

    def context_matches(at: int) -> bool:
        before = text[max(0, at - len(selector.prefix)) : at]
        after = text[at + len(exact) : at + len(exact) + len(selector.suffix)]
        return before == selector.prefix and after == selector.suffix

    if hint is not None and hint in occurrences and context_matches(hint):
        return hint, hint + len(exact)
    if len(occurrences) == 1:
        return occurrences[0], occurrences[0] + len(exact)
    matching = [at for at in occurrences if context_matches(at)]
    if len(matching) == 1:
        return matching[0], matching[0] + len(exact)
    return None


def utf16_to_code_points(text: str, offset: int) -> int:
    """Convert a browser (UTF-16 code unit) offset into a code-point offset in text.

    Raises SpanError for an offset beyond the text or inside a surrogate pair.
    """
    if offset < 0:
        raise SpanError("Offsets cannot be negative.")
    encoded = text.encode("utf-16-le", "surrogatepass")
    if offset * 2 > len(encoded):
        raise SpanError("The offset lies beyond the end of the text.")
    try:
        return len(encoded[: offset * 2].decode("utf-16-le"))
    except UnicodeDecodeError:
        raise SpanError("The offset falls inside a character.") from None
