"""Sentences: a text cut where its sentences end, minding abbreviations, decimals,
initials, ellipses, closing quotes and paragraph breaks.

Every offset is a Python str index (a Unicode code point) into the text given, end
exclusive.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from claims.detection.text import strip_span, word_set

# A "sentence" longer than this (a paste without punctuation) is cut at whitespace.
MAX_SENTENCE_CHARS = 2_000


class Sentence(NamedTuple):
    start: int  # code-point offset into text, inclusive
    end: int  # exclusive; text[start:end] == self.text
    text: str
    # Cut at whitespace from a stretch of more than MAX_SENTENCE_CHARS without a sentence
    # end (a paste without punctuation): no sentence a person wrote.
    run_on: bool = False


_CLOSERS = "\"'”’»)]"
_QUOTE_CLOSERS = "\"'”’»"

# A run of terminators (possessive, and only at the start of a run, so that long runs of
# dots cannot make the scan quadratic) with its closing quotes/brackets, before
# whitespace; a paragraph break; or a terminator glued to the next sentence
# ("easier.Over the past").
_BOUNDARY_RE = re.compile(
    r"(?=[.!?…\n\u2029])"  # a leading character test lets the scan skip ahead quickly
    r"(?:(?P<term>(?<![.!?…])[.!?…]++[\"'”’»)\]]*+(?=\s|\Z))"
    r"|(?P<para>\n[^\S\n]*\n|\u2029)"
    r"|(?P<glue>(?<=[a-z]{2})[.!?](?=[A-Z][a-z])|(?<=\w)[.!?](?=[“«][\s\w])))"
)
# After a boundary candidate: whitespace and opening quotes, then the next word.
_NEXT_WORD_RE = re.compile(r"[\s\"'“‘«(\[]*+([\w’'.\-]*)")
# A closing quote followed by its attribution: “We will.” Blinken said.
_SAID_AFTER_QUOTE_RE = re.compile(
    r"(?:[A-Z][\w’'.\-]*(?![^\S\n]*\n[^\S\n]*\n)\s+){0,4}"  # not across a paragraph break
    r"(?:said|says|asked|added|told|wrote|replied|insisted)\b"
)

# Abbreviations after which a period never ends a sentence (titles, Latin, "approx.").
_NEVER_BREAK = word_set(
    """mr mrs ms messrs mme dr prof gen sen rep gov lt col capt cmdr adm maj sgt cpl pvt
    pres rev hon st mt ft supt insp det atty gens sens reps govs
    e.g i.e eg ie vs v cf approx ca viz incl esp est"""
)
# Abbreviations that do not end a sentence before a number: "No. 3", "Jan. 9".
_BEFORE_DIGIT = word_set(
    """no nos art arts vol vols fig figs p pp ch sec op para
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)
_MONTH_ABBREVIATIONS = word_set("jan feb mar apr jun jul aug sep sept oct nov dec")
# Abbreviations that may end a sentence: they do when the next word starts a sentence.
AMBIGUOUS_ABBREVIATIONS = word_set("etc inc ltd co corp jr sr bros plc llc al dept univ assn")

# Capitalised words that typically start a sentence (so are not names there).
STARTERS = word_set(
    """The A An In On At As For From By With Without To Of And But Or Nor So Yet If When
    While After Before Since Until Because Although Though However Meanwhile Moreover
    Furthermore Also Still Then Now Today Tonight Yesterday Tomorrow This That These Those
    There Here It Its It's It’s He She They We I You His Her Their Our My Your One Some
    Many Most All No Not Each Every Both Other Another Such What Which Who Whom Whose Why
    How Where Over Under During Through Last Next First Second Third Finally Instead Indeed
    Even Only Just More Much Few Several Let Let's Let’s Please Thank Thanks Yes Well Oh
    Like Unlike Despite Among Between Against About Above Below Across Around Into Upon
    Within Once Again Already Perhaps Maybe Together Ladies Good Welcome Whether Whatever
    Given Based According Nearly Almost Roughly Approximately Any Nobody Nothing Everyone
    Everybody Someone Something Anyone Whereas Unless Otherwise Therefore Thus Hence
    Accordingly Besides Similarly Likewise Fourth Fifth Later Earlier Soon Never Always
    Often Sometimes Usually Do Does Did Is Are Was Were Will Would Can Could Should Must
    May Might Have Has Had Don't Don’t I'm I’m I've I’ve I'll I’ll I'd I’d We're We’re
    We've We’ve We'll We’ll Dear Sir Madam Hello Congratulations Imagine Consider Remember
    Think Look Join"""
)


def _previous_token(text: str, pos: int) -> str:
    """The word just before pos, dots and apostrophes included ("U.S", "Mr", "e.g")."""
    i = pos
    low = max(0, pos - 30)
    while i > low and (text[i - 1].isalnum() or text[i - 1] in ".’'-_"):
        i -= 1
    return text[i:pos].strip(".’'-_")


def _is_boundary(text: str, match: re.Match) -> bool:
    """Whether the terminator run matched ends its sentence."""
    term = match.group()
    nxt = _NEXT_WORD_RE.match(text, match.end())
    word = nxt.group(1)
    if not word:
        return True  # end of text, or an unusual character: a boundary
    first = word[0]
    if first.islower():
        return False  # "transfers. of Russian weapons", "e.g. the", "“Why?” he asked"
    core = term.rstrip(_CLOSERS)
    closing_quote = any(ch in _QUOTE_CLOSERS for ch in term[len(core) :])
    if closing_quote and _SAID_AFTER_QUOTE_RE.match(text, nxt.start(1)):
        return False  # “We will.” Blinken said.
    if core != "." or len(term) != len(core):
        return True
    token = _previous_token(text, match.start()).rpartition("-")[2]  # "then-Lt."
    if not token:
        return True
    lowered = token.lower()
    if lowered in _NEVER_BREAK:
        return False
    starts_sentence = word.rstrip(".") in STARTERS
    if lowered in _BEFORE_DIGIT:
        if first.isdigit():
            return False
        return starts_sentence if lowered in _MONTH_ABBREVIATIONS else True
    if len(token) == 1 and token.isupper():
        # An initial ("J. R. R. Tolkien", "George W. Bush") unless a sentence clearly starts.
        next_is_initial = len(word) >= 2 and word[1] == "." and word[0].isupper()
        return starts_sentence and not next_is_initial
    if "." in token or lowered in AMBIGUOUS_ABBREVIATIONS:
        return starts_sentence  # "in the U.S. The ..." but "the U.S. Army"
    return True


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Cut a run-on span at whitespace so that no piece exceeds MAX_SENTENCE_CHARS; the
    pieces of a span that had to be cut are marked run-on."""
    if end - start <= MAX_SENTENCE_CHARS:
        return [(start, end, False)]
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        window_start = start + MAX_SENTENCE_CHARS // 2
        window = text[window_start : start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind("\n"), window.rfind(" "), window.rfind("\t"))
        cut = window_start + cut if cut > 0 else start + MAX_SENTENCE_CHARS
        piece = strip_span(text, start, cut)
        if piece[1] > piece[0]:
            pieces.append((*piece, True))
        start, end = strip_span(text, cut, end)
    if end > start:
        pieces.append((start, end, True))
    return pieces


def sentences(text: str) -> list[Sentence]:
    """The sentences of text, in order, each stripped of surrounding whitespace."""
    spans = []
    previous = 0
    for match in _BOUNDARY_RE.finditer(text):
        if match.lastgroup == "term" and not _is_boundary(text, match):
            continue
        boundary = match.end()
        start, end = strip_span(text, previous, boundary)
        if end > start:
            spans.extend(_split_long(text, start, end))
        previous = boundary
    start, end = strip_span(text, previous, len(text))
    if end > start:
        spans.extend(_split_long(text, start, end))
    return [Sentence(start, end, text[start:end], run_on) for start, end, run_on in spans]
