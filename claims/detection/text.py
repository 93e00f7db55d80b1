"""Small helpers over text shared by the detector's modules: word lists, trie-shaped
expressions, spans without surrounding whitespace."""

from __future__ import annotations

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
