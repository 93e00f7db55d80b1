"""Small helpers over text shared by the detector's modules: word lists, trie-shaped
expressions, spans without surrounding whitespace."""

from __future__ import annotations

import bisect
import re


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace (as str.strip sees whitespace)."""
    segment = text[start:end]
    stripped = segment.lstrip()
    if not stripped:
        return start, start
    start += len(segment) - len(stripped)
    return start, start + len(stripped.rstrip())


def trie_pattern(entries) -> str:
    """A regex matching any of the entries, shaped as a trie so that matching is fast.

    Python's re tries the alternatives of a group one by one; sharing prefixes keeps each
    attempt to a few character tests. A space matches any whitespace, "'" either apostrophe.
    """
    trie: dict = {}
    for entry in entries:
        node = trie
        for ch in entry:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = []
        for ch in sorted(key for key in node if key):
            atom = r"\s+" if ch == " " else "['’]" if ch == "'" else re.escape(ch)
            branches.append(atom + pattern(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return pattern(trie)


# A quotation mark: a sentence or a claim's words with none skip the work on quotes.
QUOTE_CHARS_RE = re.compile(r"[“”\"«»]")


# Characters nobody sees. Control characters (other than tab, line feed and carriage
# return) read as spaces; invisible format characters (Unicode category Cf: soft hyphen,
# zero-width characters, bidirectional controls, word joiner, byte order mark, tags) read
# as nothing, except a zero-width space outside a lower-case word, which reads as the
# space it stands for ("Park\u200bJin" is "Park Jin", "Ha\u200bmas" is "Hamas"). The
# prepended concatenation marks of Arabic and other scripts (U+0600–U+0605 ...) are
# visible and stay.
_CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORMAT_CHARS = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f"
)
_UNSEEN_RE = re.compile(f"[{_CONTROL_CHARS}{_FORMAT_CHARS}]+")
_CONTROL_RE = re.compile(f"[{_CONTROL_CHARS}]")


class Positions:
    """Where each character of a normalised text was in the original text: the offsets
    of the runs of characters read as nothing, and how many had been dropped by then."""

    __slots__ = ("clean_starts", "dropped")

    def __init__(self) -> None:
        self.clean_starts: list[int] = []  # offsets in the normalised text
        self.dropped: list[int] = []  # characters dropped before each of those offsets

    def __reduce__(self):  # workers send parts back pickled: keep it small
        return (_positions, (self.clean_starts, self.dropped))

    def original(self, index: int) -> int:
        """The original offset of the normalised text's character at index."""
        run = bisect.bisect_right(self.clean_starts, index) - 1
        return index + (self.dropped[run] if run >= 0 else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of a normalised span (end exclusive, start < end)."""
        return self.original(start), self.original(end - 1) + 1


def _positions(clean_starts: list[int], dropped: list[int]) -> Positions:
    positions = Positions()
    positions.clean_starts, positions.dropped = clean_starts, dropped
    return positions


def normalised(text: str) -> tuple[str, Positions | None]:
    """The text as a reader sees it (see _UNSEEN_RE), and where its characters were in
    text (None if the text is unchanged)."""
    if _UNSEEN_RE.search(text) is None:
        return text, None
    pieces: list[str] = []
    positions = Positions()
    kept = dropped = 0
    for match in _UNSEEN_RE.finditer(text):
        start, end = match.span()
        run = match.group()
        pieces.append(text[kept:start])
        kept = end
        spaced = _CONTROL_RE.search(run) is not None or (
            "\u200b" in run
            and not (
                start > 0 and end < len(text) and text[start - 1].islower() and text[end].islower()
            )
        )
        if spaced:  # as many spaces: offsets stay
            pieces.append(" " * len(run))
            continue
        dropped += len(run)
        positions.clean_starts.append(start - dropped + len(run))
        positions.dropped.append(dropped)
    pieces.append(text[kept:])
    return "".join(pieces), positions
