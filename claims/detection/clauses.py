"""Clauses: an asserted stretch of a sentence cut where it asserts a second checkable
thing (", under an agreement that ...", ", after ...", "; ..."), each part trimmed of
surrounding spaces, punctuation and unpaired quotes. FINITE_RE, the verbs that tell a
clause, serves the claimants and statements too.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from claims.detection.signals import IRREGULAR_PAST
from claims.detection.text import strip_span, trie_pattern

_CONNECTIVES = (
    "under|after|following|amid|given\\s+that|because|since|while|whereas|although|though"
    "|even\\s+though"
)
_SPLIT_RE = re.compile(rf";\s+|,\s+(?=(?:{_CONNECTIVES})\b)")
_CONNECTIVE_RE = re.compile(rf"(?:{_CONNECTIVES})\b\s*")
_FINITE_WORDS = (
    "is|are|was|were|has|have|had|will|would|can|could|did|does|do|may|might|must|should"
    f"|shall|{IRREGULAR_PAST}"
)
# A whole lower-case word, so any alternative that matches ends at the same place: the
# words are trie-shaped for speed, after a look-ahead that skips other word starts quickly.
FINITE_RE = re.compile(rf"\b(?=[a-z])(?:[a-z]{{3,}}ed|{trie_pattern(_FINITE_WORDS.split('|'))})\b")
_ALSO_SAID_RE = re.compile(
    r"\s+and\s+(?:also\s+)?(?:stressed|said|added|noted|insisted|warned|argued|explained"
    r"|emphasized|emphasised|stated|called|urged|pointed\s+out|recalled|reiterated"
    r"|acknowledged|denounced)\b"
)
TRAILING_PUNCT = ".,;:!?…-–—"
_OPENING_QUOTES = '“"«‘'
_OPENER_OF = {"”": "“", '"': '"', "»": "«"}
_CLOSER_OF = {"“": "”", '"': '"', "«": "»", "‘": "’"}


_TRIMMED_LAST = frozenset(TRAILING_PUNCT + "”\"»’')")
_TRIMMED_FIRST = frozenset(",;:-–—(" + _OPENING_QUOTES)


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A claim span without surrounding spaces, punctuation or unpaired quotes."""
    while True:
        before = (start, end)
        start, end = strip_span(sentence, start, end)
        if end <= start:
            return start, start
        last = sentence[end - 1]
        if last not in _TRIMMED_LAST and sentence[start] not in _TRIMMED_FIRST:
            return start, end  # nothing more to trim
        if (
            last in TRAILING_PUNCT
            or (last in '”"»' and sentence.count(_OPENER_OF[last], start, end - 1) == 0)
            or (last in "’'" and end - start > 1 and sentence[end - 2] in TRAILING_PUNCT)
            or (last == ")" and "(" not in sentence[start:end])
        ):
            end -= 1
        first = sentence[start]
        if (
            first in ",;:-–—"
            or (first in _OPENING_QUOTES and sentence.count(_CLOSER_OF[first], start + 1, end) == 0)
            or (first == "(" and ")" not in sentence[start:end])
        ):
            start += 1
        if (start, end) == before:
            return start, end


class ClausePart(NamedTuple):
    start: int  # relative to the sentence
    end: int
    tail: bool  # split off a longer clause (its leading connective dropped)


def clause_parts(sentence: str, clause_start: int, clause_end: int) -> list[ClausePart]:
    """The clause sentence[clause_start:clause_end] cut into separately checkable parts."""
    segments = []
    current, current_is_tail = clause_start, False
    for match in _SPLIT_RE.finditer(sentence, clause_start, clause_end):
        tail_start = match.end()
        connective = _CONNECTIVE_RE.match(sentence, tail_start, clause_end)
        if connective:
            tail_start = connective.end()
        tail = sentence[tail_start:clause_end]
        next_split = _SPLIT_RE.search(tail)
        own = tail[: next_split.start()] if next_split else tail
        if len(own.split()) >= 4 and FINITE_RE.search(own):
            segments.append((current, match.start(), current_is_tail))
            current, current_is_tail = tail_start, True
    segments.append((current, clause_end, current_is_tail))
    parts = []
    for start, end, is_tail in segments:
        also = None
        if sentence.find(" and ", start, end) >= 0:  # "... and stressed the gravity"
            also = _ALSO_SAID_RE.search(sentence, start, end)
        if also and also.start() > start:
            end = also.start()
        start, end = _trim(sentence, start, end)
        if end > start:
            parts.append(ClausePart(start, end, is_tail))
    return parts
