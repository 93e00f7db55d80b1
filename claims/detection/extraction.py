"""Propose the check-worthy claims in an article's text.

Pure functions over a str, standard library only: no Django, no model, no network. The
result is deterministic and every offset is a Python str index (a Unicode code point)
into the text given, end exclusive.

The pipeline, per sentence:

1. `sentences` splits the text, minding abbreviations, decimals, initials, ellipses,
   closing quotes and paragraph breaks.
2. The sentence's asserted clause is found and its claimant with it: a direct quote and
   its speaker ("“...,” Blinken said"), reported speech ("Washington and Seoul denounced
   that ..."), "according to X", or else the sentence itself (claimant "": the article).
3. The clause is split where it asserts a second checkable thing (", under an agreement
   that ...", ", after ...", "; ...").
4. Each part is scored from explainable signals (numbers, names, attribution, legal
   words, time; minus opinion, hedges, calls to action, greetings, questions) combined
   by a logistic function, given a kind, and restated as a short editable statement.

Everything runs in time linear in the text: precompiled regular expressions without
nested unbounded repetition, bounded look-back windows, and one scan of the whole text for
the signal words (trie-shaped expressions), looked up per claim by offset.

A long text can also be read in parts (`part_cuts`, `detect_part`, `PartJoiner`), each in
its own process, with exactly the result of one reading: see claims.detection.parts.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

KINDS = ("statistic", "event", "quote", "legal", "prediction", "other")
ACCEPT_THRESHOLD = 0.5  # claims with score >= this are accepted for checking automatically

# A "sentence" longer than this (a paste without punctuation) is cut at whitespace.
MAX_SENTENCE_CHARS = 2_000
# Statements are shortened at clause boundaries beyond the soft limit, cut beyond the hard one.
STATEMENT_SOFT_LIMIT = 75
STATEMENT_HARD_LIMIT = 120


class Sentence(NamedTuple):
    start: int  # code-point offset into text, inclusive
    end: int  # exclusive; text[start:end] == self.text
    text: str


class Signal(NamedTuple):
    name: str  # "quantity", "attribution", "named_entity", ... (see WEIGHTS)
    weight: float  # positive raises the score, negative lowers it
    evidence: str  # the words that triggered it, for display to the reviewer


class ProposedClaim(NamedTuple):
    start: int  # code-point offsets into the article text, end exclusive
    end: int
    quote: str  # == text[start:end]
    statement: str  # short self-contained restatement a reviewer can edit
    claimant: str  # who made the claim; "" if the article itself asserts it
    kind: str  # one of KINDS
    score: float  # check-worthiness in [0, 1], rounded to 3 decimals
    signals: tuple[Signal, ...]
    sentence_start: int  # the containing sentence's span
    sentence_end: int


def _words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------
# Sentence splitting
# ---------------------------------------------------------------------------------------

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
_NEVER_BREAK = _words(
    """mr mrs ms messrs mme dr prof gen sen rep gov lt col capt cmdr adm maj sgt cpl pvt
    pres rev hon st mt ft supt insp det atty gens sens reps govs
    e.g i.e eg ie vs v cf approx ca viz incl esp est"""
)
# Abbreviations that do not end a sentence before a number: "No. 3", "Jan. 9".
_BEFORE_DIGIT = _words(
    """no nos art arts vol vols fig figs p pp ch sec op para
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)
_MONTH_ABBREVIATIONS = _words("jan feb mar apr jun jul aug sep sept oct nov dec")
# Abbreviations that may end a sentence: they do when the next word starts a sentence.
_AMBIGUOUS = _words("etc inc ltd co corp jr sr bros plc llc al dept univ assn")

# Capitalised words that typically start a sentence (so are not names there).
_STARTERS = _words(
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


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace (as str.strip sees whitespace)."""
    segment = text[start:end]
    stripped = segment.lstrip()
    if not stripped:
        return start, start
    start += len(segment) - len(stripped)
    return start, start + len(stripped.rstrip())


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
    starts_sentence = word.rstrip(".") in _STARTERS
    if lowered in _BEFORE_DIGIT:
        if first.isdigit():
            return False
        return starts_sentence if lowered in _MONTH_ABBREVIATIONS else True
    if len(token) == 1 and token.isupper():
        # An initial ("J. R. R. Tolkien", "George W. Bush") unless a sentence clearly starts.
        next_is_initial = len(word) >= 2 and word[1] == "." and word[0].isupper()
        return starts_sentence and not next_is_initial
    if "." in token or lowered in _AMBIGUOUS:
        return starts_sentence  # "in the U.S. The ..." but "the U.S. Army"
    return True


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a run-on span at whitespace so that no piece exceeds MAX_SENTENCE_CHARS."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        window_start = start + MAX_SENTENCE_CHARS // 2
        window = text[window_start : start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind("\n"), window.rfind(" "), window.rfind("\t"))
        cut = window_start + cut if cut > 0 else start + MAX_SENTENCE_CHARS
        piece = _strip_span(text, start, cut)
        if piece[1] > piece[0]:
            pieces.append(piece)
        start, end = _strip_span(text, cut, end)
    if end > start:
        pieces.append((start, end))
    return pieces


def sentences(text: str) -> list[Sentence]:
    """The sentences of text, in order, each stripped of surrounding whitespace."""
    spans = []
    previous = 0
    for match in _BOUNDARY_RE.finditer(text):
        if match.lastgroup == "term" and not _is_boundary(text, match):
            continue
        boundary = match.end()
        start, end = _strip_span(text, previous, boundary)
        if end > start:
            spans.extend(_split_long(text, start, end))
        previous = boundary
    start, end = _strip_span(text, previous, len(text))
    if end > start:
        spans.extend(_split_long(text, start, end))
    return [Sentence(start, end, text[start:end]) for start, end in spans]


# ---------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------

BIAS = -1.2
WEIGHTS = {
    "quantity": 1.5,
    "named_entity": 0.35,  # per distinct name, up to NAMED_ENTITY_CAP names
    "attribution": 0.5,
    "comparison": 0.6,
    "legal": 0.7,
    "time": 0.4,
    "past_action": 0.4,
    "opinion": -0.8,  # several distinct opinion words count half as much again
    "hedge": -0.5,
    "prediction": -0.3,
    "call_to_action": -1.2,
    "greeting": -2.0,
    "question": -1.5,
}
NAMED_ENTITY_CAP = 3

# The lexicon: words and phrases (lower case; a space stands for any whitespace, "'" for
# either apostrophe) -> signal. "month", "weekday" and "act" depend on capitals.
_LEXICON: dict[str, str] = {}


def _add(name: str, entries: str, *, phrases: bool = False) -> None:
    for entry in entries.split(",") if phrases else entries.split():
        entry = " ".join(entry.split())
        if entry:
            _LEXICON[entry] = name


_add("weekday", "monday tuesday wednesday thursday friday saturday sunday")
_add(
    "month",
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""",
)
_add("act", "act")
_add("time", "yesterday tomorrow")
_add("time", "over the past, over the last, years ago, months ago, weeks ago, days ago,"
     "decades ago", phrases=True)  # fmt: skip
for _which in ("last", "next", "this", "past", "previous", "coming"):
    _add(
        "time",
        ",".join(
            f"{_which} {period}"
            for period in _words(
                "year month week decade century spring summer fall autumn winter quarter"
            )
        ),
        phrases=True,
    )
_add("greeting", "thanks thank welcome congratulations applause laughter hello greetings")
_add(
    "greeting",
    "thank you, good morning, good afternoon, good evening, good night, god bless,"
    "ladies and gentlemen",
    phrases=True,
)
_add(
    "quantity",
    """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred hundreds thousand thousands million millions billion billions trillion
    trillions dozen dozens half twice triple quadruple percent percentage one-third
    two-thirds""",
)
for _unit in ("hundred", "thousand", "million", "billion", "trillion", "dozen"):
    _add("quantity", f"one {_unit}, a {_unit}, an {_unit}", phrases=True)
_add("quantity", "one in, a third of, a quarter of, per cent", phrases=True)
_add(
    "comparison",
    """most least highest lowest largest biggest smallest fastest slowest strongest weakest
    deadliest richest poorest doubled tripled quadrupled halved increased decreased increase
    increases decrease decreases rose risen fell fallen grew grown dropped declined surged
    soared plunged jumped spiked record than unprecedented""",
)
_add(
    "comparison",
    ",".join(
        f"{adjective} than"
        for adjective in _words(
            "more less fewer greater higher lower larger smaller bigger faster slower cheaper "
            "older younger"
        )
    ),
    phrases=True,
)
_add(
    "comparison",
    "as many as, as much as, at least, compared to, compared with, similar to, identical to,"
    "the same as, for the first time, the first, the only, no other, the fastest-growing,"
    "the second, the third",
    phrases=True,
)
_add("none", "rather than, other than", phrases=True)  # not comparisons
_add(
    "legal",
    """law laws legally legislation statute statutes resolution resolutions court courts
    judge judges ruled ruling treaty treaties regulation regulations banned lawsuit lawsuits
    sued vetoed amendment amendments bill bills unconstitutional""",
)
_add("legal", "executive order, executive orders", phrases=True)
_add(
    "opinion",
    """great greatest wonderful terrible horrible amazing incredible awesome fantastic
    beautiful proud pride love loved hope hopeful honored honoured blessed grateful inspiring
    remarkable extraordinary tremendous best worst bold exciting thrilled deserve deserves
    concerned worried really truly shameful disgraceful""",
)
_add(
    "opinion",
    "i believe, i think, i feel, i hope, i know, we believe, i am proud, we are proud",
    phrases=True,
)
_add(
    "hedge",
    "might could possible possibly perhaps maybe apparently likely unlikely probably if unless",
)
_add("hedge", "appears to, appear to, appeared to, seems to, seem to, seemed to", phrases=True)
_add("call_to_action", "must should shouldn't let's urge please")
_add(
    "call_to_action",
    "ought to, need to, needs to, have to, let us, call on, i ask, we ask, ask you, join me,"
    "encourage you, it's time, it is time",
    phrases=True,
)
_add("prediction", "will won't shall forecast forecasts forecasted")
_add(
    "prediction",
    "going to, expected to, expect to, expects to, projected to, set to, plan to, plans to,"
    "planning to",
    phrases=True,
)

# Attribution verbs are found in the same pass, to tell which sentences report speech.
_add(
    "say",
    """said says say denounced denounces stated claimed claims told tells announced announces
    reported insisted insists argued argues added adds noted warned warns explained explains
    confirmed confirms alleged alleges asserted asserts acknowledged admitted admits
    estimated wrote writes declared declares revealed reveals maintained maintains
    emphasized emphasised stressed stresses tweeted testified contended contends accused
    recalled reiterated disclosed""",
)
_add("say", "pointed out", phrases=True)

# Word beginnings -> signal ("violates", "sanctioned", "predicted", "record-breaking").
_PREFIXES = {
    "violat": "legal",
    "illegal": "legal",
    "unlawful": "legal",
    "constitution": "legal",
    "sanction": "legal",
    "prohibit": "legal",
    "indict": "legal",
    "convict": "legal",
    "predict": "prediction",
    "record-": "comparison",
}

_IRREGULAR_PAST = (
    "sent|made|took|gave|won|lost|paid|built|spent|met|held|became|began|grew|fell|rose|went"
    "|came|left|brought|bought|sold|led|saw|seen|wrote|written|found|ran|kept|shot|struck"
    "|fought|taught|caught|drew|drove|flew|broke|chose|knew|stole|threw|spoke|told|sank"
    "|swore|understood|withdrew|arose|fled|forgave|froze|hid|laid|lent|meant|rode|rang"
    "|sought|shook|slept|stood|stuck|swept|swam|tore|wore|dealt|dug|fed|felt|got|heard|hung"
)
_NOT_PAST = _words(
    """need needed indeed speed seed feed proceed succeed exceed breed greed shed hundred
    embed bed red bled fled sled wed weed deed heed steed creed kindred sacred naked wicked
    wretched rugged ragged crooked beloved learned aged blessed cursed dogged jagged
    supposed concerned interested excited pleased committed dedicated"""
)


def _trie_pattern(entries) -> str:
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


_WORD_START = r"(?<![\w’'\-])"
_WORD_END = r"(?![\w’'\-])"
# Numbers (with a currency, a percent sign or a unit word), lexicon words and phrases,
# word beginnings: one pass over the whole text.
_SCAN_PATTERN = (
    r"(?P<number>(?<![\w’'\-.,])[$€£¥]?\d(?:[\d,.]{0,24}\d)?%?"
    r"(?:\s+(?:hundred|thousand|million|billion|trillion|percent|per\s?cent|dozen)\b)?)"
    rf"|{_WORD_START}(?:(?P<lexicon>{_trie_pattern(_LEXICON)}){_WORD_END}"
    rf"|(?P<prefix>{_trie_pattern(_PREFIXES)})[\w’'\-]*)"
)
# It consumes the character before the word instead of looking behind: the engine then
# skips ahead to spaces and punctuation. It runs over " " + the lower-cased text (`_lower`).
_BEFORE_WORD = r"[^\w’'\-]"
_SCAN_FAST_RE = re.compile(_BEFORE_WORD + "(?:" + _SCAN_PATTERN.replace(_WORD_START, "") + ")")
_PAST_PATTERN = rf"(?:[a-z]{{3,}}ed|{_trie_pattern(_IRREGULAR_PAST.split('|'))}){_WORD_END}"
_PAST_FAST_RE = re.compile(_BEFORE_WORD + _PAST_PATTERN)
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
# A name: capitalised words on one line, possibly joined by "of", "de", "bin" ...; or an
# acronym. (The capital comes first, and the look-behind then checks the character before
# it, so that the engine can skip ahead to capitals.)
_NAME_RE = re.compile(
    r"[A-Z](?<![\w’'\-][A-Z])[\w’'\-]*"
    r"(?:(?:[^\S\n]+(?:of[^\S\n]+the|of|de|da|del|du|van|von|bin|al|la|le))?"
    r"[^\S\n]+[A-Z][\w’'\-]*){0,7}"
)
_NOT_NAMES = _words(
    """I I'm I’m I've I’ve I'll I’ll I'd I’d OK Mr Mrs Ms Dr Prof Sir Madam God
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday"""
)
_QUESTION_TAIL = " \t\n\r\"'”’»)]"


def _lower(text: str) -> str:
    """text in lower case, as long as text: "İ" (whose lower case is two characters) is
    read as "I", so that offsets into the lowered text are offsets into text."""
    return text.replace("İ", "I").lower()


def _lexical_signal(kind: str, word: str) -> str | None:
    """The signal a scanned word stands for, or None."""
    if kind == "number":
        return "time" if _YEAR_RE.fullmatch(word) else "quantity"
    if kind == "prefix":
        low = _lower(word)
        return next(name for prefix, name in _PREFIXES.items() if low.startswith(prefix))
    name = _LEXICON[" ".join(_lower(word).replace("’", "'").split())]
    if name == "month":  # "May" is a month, "may" a hedge, "march" a verb
        return "time" if word[0].isupper() else "hedge" if word == "may" else None
    if name == "weekday":
        return "time" if word[0].isupper() else None
    if name == "act":
        return "legal" if word == "Act" else None
    return None if name == "none" else name


def _name(words: list[str]) -> str:
    """A name as found, without a leading sentence word or a trailing possessive."""
    first = 0
    while first < len(words) and words[first] in _STARTERS:
        first += 1
    name = " ".join(words[first:])
    for suffix in ("’s", "'s", "’", "'"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_name(name: str) -> bool:
    return bool(name) and name not in _NOT_NAMES and not (len(name) == 1 and name.isupper())


@dataclass(frozen=True)
class _Hits:
    """Signal words found in a text, sorted by position: (start, end, signal, words)."""

    starts: list[int]
    hits: list[tuple[int, int, str, str]]

    def between(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_left(self.starts, end, first)
        return [hit for hit in self.hits[first:last] if hit[1] <= end]


def _scan(text: str) -> _Hits:
    """Every signal word and name in the text, in one pass of each expression."""
    hits = []
    padded = " " + _lower(text)  # match.start() is then the word's offset in text
    spans = [(m.start(), m.end() - 1, m.lastgroup) for m in _SCAN_FAST_RE.finditer(padded)]
    # The same words recur throughout a text: classify each distinct one once.
    signal_of: dict[tuple[str, str], tuple[str, str] | None] = {}
    for start, end, kind in spans:
        word = text[start:end]
        key = (kind, word)
        if key not in signal_of:
            name = _lexical_signal(kind, word)
            signal_of[key] = None if name is None else (name, " ".join(word.split()))
        found = signal_of[key]
        if found is not None:
            hits.append((start, end, *found))
    for match in _PAST_FAST_RE.finditer(" " + text):
        start, end = match.span()
        word = text[start : end - 1]
        if word not in _NOT_PAST:
            hits.append((start, end - 1, "past_action", word))
    name_of: dict[str, str | None] = {}
    for match in _NAME_RE.finditer(text):
        words = match.group()
        if words not in name_of:
            name = _name(words.split())
            name_of[words] = name if _is_name(name) else None
        name = name_of[words]
        if name is not None:
            hits.append((*match.span(), "named_entity", name))
    hits.sort()
    return _Hits([hit[0] for hit in hits], hits)


# The order in which signals are listed, around named entities, attribution, past action
# and opinion.
_LEADING_SIGNALS = ("quantity", "comparison", "legal", "time")
_TRAILING_SIGNALS = ("hedge", "prediction", "call_to_action", "greeting")
_NAMED_ENTITY_WEIGHTS = {
    count: round(WEIGHTS["named_entity"] * count, 3) for count in range(1, NAMED_ENTITY_CAP + 1)
}


def _evidence(words: list[str], limit: int = 5) -> str:
    """The distinct words, in order of appearance, at most `limit` of them."""
    return ", ".join(list(dict.fromkeys(words))[:limit])


def _signals(
    hits: list[tuple[int, int, str, str]],
    *,
    attribution: str,
    question: bool,
    extra_names: tuple[str, ...] = (),
    context: list[tuple[int, int, str, str]] = (),
) -> tuple[Signal, ...]:
    """The signals of a claim from the signal words in it, with weights and evidence.

    Time words in `context` (the attribution around a reported clause: "Last year, Senator
    Shelby announced ...") count too; `extra_names` are names the words refer to.
    """
    found: dict[str, list[str]] = {"named_entity": list(extra_names)}
    for hit in hits:
        name = hit[2]
        if name in found:
            found[name].append(hit[3])
        else:
            found[name] = [hit[3]]
    for hit in context:
        if hit[2] == "time":
            found.setdefault("time", []).append(hit[3])
    signals = []
    for name in _LEADING_SIGNALS:
        if name in found:
            signals.append(Signal(name, WEIGHTS[name], _evidence(found[name])))
    names = list(dict.fromkeys(found["named_entity"]))
    if names:
        weight = _NAMED_ENTITY_WEIGHTS[min(len(names), NAMED_ENTITY_CAP)]
        signals.append(Signal("named_entity", weight, _evidence(names)))
    if attribution:
        signals.append(Signal("attribution", WEIGHTS["attribution"], attribution))
    if "past_action" in found:
        evidence = _evidence(found["past_action"], 3)
        signals.append(Signal("past_action", WEIGHTS["past_action"], evidence))
    if "opinion" in found:
        several = len({word.lower() for word in found["opinion"]}) > 1
        weight = round(WEIGHTS["opinion"] * (1.5 if several else 1.0), 3)
        signals.append(Signal("opinion", weight, _evidence(found["opinion"])))
    for name in _TRAILING_SIGNALS:
        if name in found:
            signals.append(Signal(name, WEIGHTS[name], _evidence(found[name])))
    if question:
        signals.append(Signal("question", WEIGHTS["question"], "?"))
    return tuple(signals)


def _score(signals: tuple[Signal, ...]) -> float:
    """The logistic of the bias plus the signals' weights, in [0, 1], 3 decimals."""
    return _logistic(BIAS + sum([signal.weight for signal in signals]))


@functools.lru_cache(maxsize=4096)
def _logistic(total: float) -> float:
    return round(min(1.0, max(0.0, 1.0 / (1.0 + math.exp(-total)))), 3)


def _kind(signals: tuple[Signal, ...], *, is_quote: bool) -> str:
    names = {signal.name for signal in signals}
    if "quantity" in names:
        return "statistic"
    if is_quote:
        return "quote"
    if "legal" in names:
        return "legal"
    if "prediction" in names:
        return "prediction"
    if "past_action" in names and ("named_entity" in names or "time" in names):
        return "event"
    return "other"


# ---------------------------------------------------------------------------------------
# Claimants: who asserts the clause
# ---------------------------------------------------------------------------------------

_ATTRIBUTION_VERBS = (
    "said|says|say|denounced|denounces|stated|claimed|claims|told|tells|announced|announces"
    "|reported|insisted|insists|argued|argues|added|adds|noted|warned|warns|explained"
    "|explains|confirmed|confirms|alleged|alleges|asserted|asserts|acknowledged|admitted"
    "|admits|estimated|wrote|writes|declared|declares|revealed|reveals|maintained"
    "|maintains|emphasized|emphasised|stressed|stresses|tweeted|testified|contended"
    "|contends|accused|recalled|reiterated|disclosed|pointed\\s+out|predicted|predicts"
)
# Verbs whose object may be a clause without "that": "said the plan failed".
_SAY_VERBS = _words(
    """said says say told tells added adds insisted insists argued argues claimed claims
    warned warns wrote writes stated noted explained"""
)
# The same verbs, trie-shaped for the scans of whole sentences (each verb is a whole word
# there, so the order of the alternatives does not matter). The look-ahead skips the
# positions where no (lower-case) adverb or verb can start.
_ATTRIBUTION_VERBS_TRIE = _trie_pattern(_ATTRIBUTION_VERBS.replace("\\s+", " ").split("|"))
# Words between a speaker and the verb ("has said", "later told").
_BEFORE_VERB = (
    "has have had also later then again once further previously publicly repeatedly recently"
    " reportedly"
)
_VERB_RE = re.compile(
    rf"\b(?=[a-z])(?:(?:{'|'.join(_BEFORE_VERB.split())})\s+)?"
    rf"(?P<verb>{_ATTRIBUTION_VERBS_TRIE})\b"
)
_LEAD_VERB_RE = re.compile(rf"[\s,]*(?P<verb>{_ATTRIBUTION_VERBS})\b")
_SPEAKER_VERB_RE = re.compile(
    r"[\s,]*(?P<speaker>[^,.;:!?“”\"«»()\[\]]{1,80}?)\s+"
    r"(?:(?:has|had|also|later|then|again|once|further|previously|publicly|repeatedly"
    rf"|recently|reportedly)\s+)?(?P<verb>{_ATTRIBUTION_VERBS})\b"
)
_VERB_BEFORE_QUOTE_RE = re.compile(
    rf"(?P<verb>{_ATTRIBUTION_VERBS})(?:\s+[\w’'\-]+){{0,3}}?\s*[:,]?\s*\Z"
)
_THAT_RE = re.compile(r"\bthat\b")
_NO_THAT_CLAUSE_RE = re.compile(
    r"\s*,?\s*"
    r"(?:(?:on|this|last|late|early|earlier)\s+[A-Za-z]+(?:\s+\(\d+\))?\s*,?\s*)?"
    r"(?:in\s+an?\s+(?:statement|tweet|post|interview|speech|letter|report)\s*,?\s*)?"
    r"(?=[A-Z]|(?:the|a|an|there|it|he|she|they|we|his|her|its|their|this|these|those"
    r"|some|many|most|all|no|more|nearly|about|over|only|almost|roughly)\b)"
)
_TOLD_OBJECT_RE = re.compile(r"\s+(?:the\s+)?[\w’'\-]+")
_IS_THAT_RE = re.compile(
    r"(?:The|Our|My|Their|One)\s+(?:[\w’'\-]+\s+){0,2}?(?:is|was|remains)\s+that\s+"
)
# "I am proud to report that ...": the speaker of a speech asserts what follows.
_FIRST_PERSON_LEAD_RE = re.compile(
    r"\b(?:I|[Ww]e)(?:\s+am|\s+are|’m|'m|’re|'re)\s+(?:[a-z]+\s+){0,2}?"
    r"(?:proud|pleased|happy|excited|honou?red|glad|delighted|thrilled)\s+to\s+"
    r"(?:report|announce|say|share|tell\s+you)\s+(?:that\s+)?"
)
_ACCORDING_START_RE = re.compile(r"[Aa]ccording\s+to\s+(?P<speaker>[^,;:]{2,80}?)\s*,\s*")
_ACCORDING_END_RE = re.compile(
    r",\s*according\s+to\s+(?P<speaker>[^,;:!?“”\"]{2,80}?)\s*[.!?]?[\"”’»]*\s*\Z"
)
_INVERTED_VERBS = "said|says|added|noted|wrote|explained|insisted|warned|argued"
_INVERTED_WORDS = frozenset(_INVERTED_VERBS.split("|")) | {"told"}
_INVERTED_RE = re.compile(
    rf",\s*(?:(?P<verb1>{_INVERTED_VERBS})\s+(?P<speaker1>[^,.;:!?“”\"«»()]{{1,60}}?)"
    r"|(?P<speaker2>[^,.;:!?“”\"«»()]{1,60}?)\s+(?:(?:has|had)\s+)?"
    rf"(?P<verb2>{_INVERTED_VERBS}|told\s+\w+)(?:\s+[^,.;:!?“”\"]{{0,60}})?)"
    r"\s*[.!?]?[\"”’»]*\s*\Z"
)
_QUOTE_PAIR_RE = re.compile(r"“([^“”]*)”|\"([^\"]*)\"|«([^«»]*)»")
_UNOPENED_QUOTE_RE = re.compile(r"([^“”\"«»]{10,})”")

_SPEAKER_STOP = _words(
    """that which is am are was were be been being will would can could should must may might
    if because when while not than do does did whether to"""
)
_SPEAKER_LOWER_START = _words(
    """the a an his her its their our my this these those some many several most he she
    they we i it officials experts analysts authorities police critics researchers
    scientists sources witnesses residents both two three state federal local
    government military diplomats"""
)
_SPEAKER_ED_OK = _words(
    "unnamed retired elected appointed armed united related named based unidentified"
)
_SPEAKER_CUT = _words(
    """on in at during after before who whom which when while to as from with for this last
    yesterday today earlier later adding according"""
)
_TITLE_WORDS = _words(
    """secretary state minister president vice prime foreign defense defence interior
    chancellor senator sen rep representative governor gov mayor general gen dr mr mrs ms
    prof professor spokesman spokeswoman spokesperson director chief ambassador judge
    justice king queen pope commissioner chairman chairwoman chair ceo deputy attorney
    leader dictator premier speaker lieutenant colonel col captain capt sergeant officer
    official envoy adviser advisor counselor counterpart candidate host anchor reporter
    author founder owner coach inspector sheriff the"""
)
_FIRST_PERSON = _words("i we you us me")
_SPEAKER_TRAILING = _words(_BEFORE_VERB)
_DELIMITER_RE = re.compile(r"[,;:(“”\"«»]")


@dataclass
class _Context:
    """What earlier sentences told us: the last person named as a claimant."""

    last_person: str = ""


class _Frame(NamedTuple):
    """An asserted stretch of a sentence (offsets relative to the sentence) and its source."""

    start: int
    end: int
    claimant: str
    attribution: str
    is_quote: bool = False


def _valid_speaker(speaker: str) -> bool:
    """Whether the words before (or after) an attribution verb look like who spoke."""
    words = speaker.split()
    if not 1 <= len(words) <= 9:
        return False
    first = words[0]
    if first[0].islower() and first not in _SPEAKER_LOWER_START:
        return False
    if first in _STARTERS and first.lower() not in _SPEAKER_LOWER_START:
        return False  # "In Seoul ...", "After ..."
    for word in words:
        lowered = word.lower()
        if lowered in _SPEAKER_STOP:
            return False
        if word[0].islower() and lowered.endswith("ed") and lowered not in _SPEAKER_ED_OK:
            return False  # "Trump signed a law that said"
    return any(ch.isalpha() for ch in speaker)


def _cut_speaker_after(speaker: str) -> str:
    """The speaker named after its verb, up to a preposition: "said Park, whom" -> "Park"."""
    kept = []
    for word in speaker.split():
        if word.lower() in _SPEAKER_CUT:
            break
        kept.append(word)
    return " ".join(kept)


def _speaker_before(sentence: str, pos: int) -> str:
    """The words before pos back to the previous clause delimiter, skipping an apposition.

    "For his part, the minister said" -> "the minister"; "James McFitting, head of the
    lab, told" -> "James McFitting"; "He then declared" -> "He".
    """
    pre = sentence[max(0, pos - 160) : pos]
    segments = _DELIMITER_RE.split(pre)
    speaker = segments[-1].strip()
    if not speaker and len(segments) >= 3:
        speaker = segments[-3].strip()  # name, apposition, verb
    words = speaker.split()
    while words and words[-1].lower() in _SPEAKER_TRAILING:
        words.pop()
    return " ".join(words)


def _claimant(speaker: str, context: _Context) -> str:
    """A speaker's words as a claimant: titles dropped before a name, pronouns resolved."""
    speaker = " ".join(speaker.strip(" ,;:“”\"'’()").split())
    lowered = speaker.lower()
    if not speaker or lowered in _FIRST_PERSON or lowered in ("they", "it"):
        return ""
    if lowered in ("he", "she"):
        return context.last_person
    words = speaker.split()
    run: list[str] = []
    for word in reversed(words):
        if not word[0].isupper() or word.lower().rstrip(".") in _TITLE_WORDS:
            break
        run.insert(0, word)
    if run and len(run) < len(words) and words[-len(run) - 1].lower().rstrip(".") in _TITLE_WORDS:
        speaker = " ".join(run)  # "US Secretary of State Antony Blinken" -> "Antony Blinken"
    claimant = speaker[0].upper() + speaker[1:]
    if " and " not in claimant and all(word[0].isupper() for word in claimant.split()):
        context.last_person = claimant
    return claimant


def _quote_frames(sentence: str, context: _Context) -> list[_Frame]:
    """Direct quotes in the sentence that have a speaker next to them."""
    pairs = []
    for match in _QUOTE_PAIR_RE.finditer(sentence):
        group = match.lastindex or 1
        pairs.append((match.start(group), match.end(group), match.start(), match.end()))
    if not pairs:
        unopened = _UNOPENED_QUOTE_RE.match(sentence)  # the end of a quote begun earlier
        if unopened:
            pairs.append((0, unopened.end(1), 0, unopened.end()))
    frames = []
    for inner_start, inner_end, outer_start, outer_end in pairs:
        if len(sentence[inner_start:inner_end].split()) < 4:
            continue  # scare quotes: “closely and carefully”
        speaker = verb = ""
        lead = _LEAD_VERB_RE.match(sentence, outer_end)
        if lead:  # “...,” said Park
            verb = lead.group("verb")
            rest = sentence[lead.end() : lead.end() + 80]
            stops = [i for i in (rest.find(ch) for ch in ",.;:!?") if i >= 0]
            speaker = _cut_speaker_after(rest[: min(stops, default=len(rest))])
            attribution = f"{verb} {speaker}"
        else:
            after = _SPEAKER_VERB_RE.match(sentence, outer_end)
            if after:  # “...,” Blinken said
                speaker, verb = after.group("speaker").strip(), after.group("verb")
            else:  # Blinken said: “...”
                window_start = max(0, outer_start - 100)
                before = _VERB_BEFORE_QUOTE_RE.search(sentence, window_start, outer_start)
                if before:
                    verb = before.group("verb")
                    speaker = _speaker_before(sentence, before.start())
            attribution = f"{speaker} {verb}"
        if not verb or not speaker or not _valid_speaker(speaker):
            continue
        claimant = _claimant(speaker, context)
        frames.append(_Frame(inner_start, inner_end, claimant, attribution, is_quote=True))
    return frames


def _clause_after_verb(sentence: str, verb: re.Match) -> int | None:
    """Where the reported clause starts after an attribution verb, or None."""
    window = sentence[verb.end() : verb.end() + 160]
    that = _THAT_RE.search(window)
    # Not "said she was inspired that ...", where the clause starts at "she".
    if (
        that
        and len(window[: that.start()].split()) <= 16
        and not _FINITE_RE.search(window, 0, that.start())
    ):
        return verb.end() + that.end()
    if verb.group("verb") not in _SAY_VERBS:
        return None  # "announced his retirement" is an act, not reported speech
    pos = verb.end()
    if verb.group("verb") in ("told", "tells"):
        obj = _TOLD_OBJECT_RE.match(sentence, pos)
        if not obj:
            return None
        pos = obj.end()
    clause = _NO_THAT_CLAUSE_RE.match(sentence, pos)
    if clause is None or clause.end() >= len(sentence):
        return None
    return clause.end()


def _frames(sentence: str, context: _Context, verbs: list[tuple[int, str]]) -> list[_Frame]:
    """The asserted stretches of a sentence with their claimants.

    `verbs` are the attribution verbs in the sentence: (offset in the sentence, word).
    """
    if _QUOTE_CHARS_RE.search(sentence):
        frames = _quote_frames(sentence, context)
        if frames:
            return frames
    end = len(sentence)
    according = "ccording to" in sentence
    if according:
        match = _ACCORDING_START_RE.match(sentence)
        if match:
            speaker = match.group("speaker")
            claimant = _claimant(speaker, context)
            return [_Frame(match.end(), end, claimant, f"according to {speaker}")]
    is_that = _IS_THAT_RE.match(sentence)
    if not is_that and " to " in sentence:
        is_that = _FIRST_PERSON_LEAD_RE.search(sentence, 0, 160)
    if is_that and is_that.end() < end:
        return [_Frame(is_that.end(), end, "", "")]
    if any(offset < 300 for offset, _ in verbs):
        for verb in _VERB_RE.finditer(sentence, 0, min(end, 300)):
            speaker = _speaker_before(sentence, verb.start())
            if not speaker or not _valid_speaker(speaker):
                continue
            start = _clause_after_verb(sentence, verb)
            if start is None:
                break
            evidence = f"{speaker} {verb.group().strip()}"
            return [_Frame(start, end, _claimant(speaker, context), evidence)]
    tail_start = max(0, end - 160)
    if according:
        match = _ACCORDING_END_RE.search(sentence, tail_start)
        if match:
            speaker = match.group("speaker")
            claimant = _claimant(speaker, context)
            return [_Frame(0, match.start(), claimant, f"according to {speaker}")]
    if any(offset >= tail_start and word in _INVERTED_WORDS for offset, word in verbs):
        inverted = _INVERTED_RE.search(sentence, tail_start)
        if inverted and inverted.start() > 0:
            if inverted.group("verb1"):
                speaker = _cut_speaker_after(inverted.group("speaker1"))
                evidence = f"{inverted.group('verb1')} {speaker}"
            else:
                speaker = inverted.group("speaker2").strip()
                evidence = f"{speaker} {inverted.group('verb2')}"
            if speaker and _valid_speaker(speaker):
                return [_Frame(0, inverted.start(), _claimant(speaker, context), evidence)]
    return [_Frame(0, end, "", "")]


# ---------------------------------------------------------------------------------------
# Splitting a clause into claims
# ---------------------------------------------------------------------------------------

_CONNECTIVES = (
    "under|after|following|amid|given\\s+that|because|since|while|whereas|although|though"
    "|even\\s+though"
)
_SPLIT_RE = re.compile(rf";\s+|,\s+(?=(?:{_CONNECTIVES})\b)")
_CONNECTIVE_RE = re.compile(rf"(?:{_CONNECTIVES})\b\s*")
_FINITE_WORDS = (
    "is|are|was|were|has|have|had|will|would|can|could|did|does|do|may|might|must|should"
    f"|shall|{_IRREGULAR_PAST}"
)
# A whole lower-case word, so any alternative that matches ends at the same place: the
# words are trie-shaped for speed, after a look-ahead that skips other word starts quickly.
_FINITE_RE = re.compile(
    rf"\b(?=[a-z])(?:[a-z]{{3,}}ed|{_trie_pattern(_FINITE_WORDS.split('|'))})\b"
)
_ALSO_SAID_RE = re.compile(
    r"\s+and\s+(?:also\s+)?(?:stressed|said|added|noted|insisted|warned|argued|explained"
    r"|emphasized|emphasised|stated|called|urged|pointed\s+out|recalled|reiterated"
    r"|acknowledged|denounced)\b"
)
_TRAILING_PUNCT = ".,;:!?…-–—"
_OPENING_QUOTES = '“"«‘'
_OPENER_OF = {"”": "“", '"': '"', "»": "«"}
_CLOSER_OF = {"“": "”", '"': '"', "«": "»", "‘": "’"}


_TRIMMED_LAST = frozenset(_TRAILING_PUNCT + "”\"»’')")
_TRIMMED_FIRST = frozenset(",;:-–—(" + _OPENING_QUOTES)


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A claim span without surrounding spaces, punctuation or unpaired quotes."""
    while True:
        before = (start, end)
        start, end = _strip_span(sentence, start, end)
        if end <= start:
            return start, start
        last = sentence[end - 1]
        if last not in _TRIMMED_LAST and sentence[start] not in _TRIMMED_FIRST:
            return start, end  # nothing more to trim
        if (
            last in _TRAILING_PUNCT
            or (last in '”"»' and sentence.count(_OPENER_OF[last], start, end - 1) == 0)
            or (last in "’'" and end - start > 1 and sentence[end - 2] in _TRAILING_PUNCT)
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


class _Part(NamedTuple):
    start: int  # relative to the sentence
    end: int
    tail: bool  # split off a longer clause (its leading connective dropped)


def _parts(sentence: str, frame: _Frame) -> list[_Part]:
    """The frame cut into separately checkable parts."""
    segments = []
    current, current_is_tail = frame.start, False
    for match in _SPLIT_RE.finditer(sentence, frame.start, frame.end):
        tail_start = match.end()
        connective = _CONNECTIVE_RE.match(sentence, tail_start, frame.end)
        if connective:
            tail_start = connective.end()
        tail = sentence[tail_start : frame.end]
        next_split = _SPLIT_RE.search(tail)
        own = tail[: next_split.start()] if next_split else tail
        if len(own.split()) >= 4 and _FINITE_RE.search(own):
            segments.append((current, match.start(), current_is_tail))
            current, current_is_tail = tail_start, True
    segments.append((current, frame.end, current_is_tail))
    parts = []
    for start, end, is_tail in segments:
        also = None
        if sentence.find(" and ", start, end) >= 0:  # "... and stressed the gravity"
            also = _ALSO_SAID_RE.search(sentence, start, end)
        if also and also.start() > start:
            end = also.start()
        start, end = _trim(sentence, start, end)
        if end > start:
            parts.append(_Part(start, end, is_tail))
    return parts


# ---------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------

_QUOTE_CHARS_RE = re.compile(r"[“”\"«»]")
_STRAY_PERIOD_RE = re.compile(r"\b([A-Za-z]{3,})\.\s+(?=[a-z])")
_LEADING_THAT_RE = re.compile(r"(?:that|and|but|so)\s+", re.IGNORECASE)
_RELATIVE_HEAD_RE = re.compile(r"((?:an?|the)\s+(?:[\w’'\-]+\s+){0,3}?)(?:that|which)\s+(?=\w)")
_NONRESTRICTIVE_RE = re.compile(r",\s+(?:which|who|whose|whom)\s+[^,]{1,200}?,\s*")
_ITS_RE = re.compile(r"\bits\b")
_VERDICT_STEMS = _words("true truth false mislead misled correct accura fake hoax debunk unproven")
_VERDICT_STEM_RE = re.compile(_trie_pattern(_VERDICT_STEMS))  # a quick test before _VERDICT_RE
_VERDICT_RE = re.compile(
    r"\b(?:true|untrue|truthful|false|falsely|misleading|mislead|misled|correct"
    r"|incorrect|accurate|inaccurate|fake|hoax|debunked|unproven)\b",
    re.IGNORECASE,
)
# The shortening rules below read a statement whose whitespace `_statement` has made
# single spaces, so that most expressions start with a literal the engine finds quickly.
_MARKERS = """for use in, in exchange, including, under, based on, given that, in order to, so that,
    because, after, before, while, at a time, according to, as part of, in favor of,
    in favour of, despite, amid, following, since, until, during"""
_AUXILIARIES = _words(
    """is are was were has have had will would can could did does do may might must should
    shall am be been being"""
)
# "... with concern and is monitoring ...": "and" before an auxiliary without a subject of
# its own starts a second predicate of the same subject, a clause boundary like a marker.
_SECOND_PREDICATES = [
    f"and {adverb}{auxiliary}"
    for adverb in ("", "also ", "then ", "now ")
    for auxiliary in _AUXILIARIES - _words("am be been being")
]
_MARKER_RE = re.compile(
    r" (?:"
    + _trie_pattern(
        [" ".join(marker.split()) for marker in _MARKERS.split(",")] + _SECOND_PREDICATES
    )
    + r")(?![\w’'\-])"  # not "haves and have-nots", "under-secretary"
)
_DANGLING = _words(
    """and or but the a an of to in for with by on at from that which its his her their
    as than into"""
)
# Words a clause cut does not end on ("... with Booker T. Washington and, together, ...").
# Not the prepositions and pronouns of `_DANGLING`: before a comma they usually end the
# clause ("what we are fighting for, ...", "to change that, and ...").
_DANGLING_AT_CUT = _words("and or nor but the a an")
_MIN_HEAD = 30
_COMMA_RE = re.compile(",")

# A present-tense verb ending in "-s" ("views", "watches", "says") before its object or
# complement; not "-ss", "-is", "-us", "-ics" nor a singular noun such as "news".
_PRESENT_S = (
    r"(?!(?:news|series|species|means|headquarters|whereabouts|lens) )"
    r"[a-z]{2,}s(?<![siu]s)(?<!ics)(?= )"
)
# "... and monitors the ...": a second present-tense predicate with its object; only
# after a head whose own verb is such a present-tense verb (plural nouns end in "-s" too).
_AND_PRESENT_RE = re.compile(
    rf" and (?:also )?{_PRESENT_S} "
    r"(?=(?:the|a|an|its|his|her|their|our|this|these|those|them|it|him|us) )"
)
# The statement's subject and its present-tense verb, a verb `_FINITE_RE` does not know:
# "Washington views", "The government fears", "North Korea sends", "It says". A subject
# word is never a possessive ("North Korea’s missiles"), and a name does not start with a
# sentence word ("To members", "Despite floods": see `_head_verb_end`). A determiner has a
# noun before the verb: "The elections" is a subject alone.
_PRESENT_VERB_RE = re.compile(
    r"(?:(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|[Ee]ach"
    r"|[Ee]very) (?:[\w’'\-]+(?<![’']s) ){1,2}?"
    r"|(?P<name>[A-Z][\w’'\-]*)(?<![’']s) (?:[A-Z][\w’'\-]*(?<![’']s) ){0,3}"
    r"|(?:[Hh]e|[Ss]he|[Ii]t) )"
    r"(?:(?:also|now|still|often|already|again) )?"
    rf"{_PRESENT_S}"
)
# Adverbs after an auxiliary, dropped from a long statement where they add no meaning:
# pure emphasis ("are really concerned" -> "are concerned") before any word, manner
# adverbs only before an "-ing" verb ("are closely and carefully watching" -> "are
# watching"), for "was closely contested" and "were seriously injured" say something
# else without them. Hedges ("apparently"), degrees ("nearly", "very much", "especially
# trying") stay: "very" and "extremely" before an "-ing" word make an adjective ("have been
# very trying for"), which would read as a verb without them.
_EMPHASIS = _words("really truly")
_INTENSIFIERS = _trie_pattern(
    _EMPHASIS | _words("closely carefully actively deeply seriously strongly gravely")
)
_ING_RE = re.compile(r" [a-z]{2,}ing\b")
_CONTRACTED_AUXILIARIES = ("’m", "’re", "’ve", "'m", "'re", "'ve")
# Padding in one pass: one intensifier or several ("closely and carefully") before a
# lower-case word, its auxiliary and the next word checked on each match rather than tried
# at every position; or vague present time ("in recent times", "these days", "currently"),
# dropped unless it bounds a figure or a ranking ("the highest in recent years") or is part
# of a longer phrase ("at the moment of the explosion", "in these days of austerity").
_PADDING_RE = re.compile(
    rf" (?:(?P<intensifier>(?:{_INTENSIFIERS})"
    rf"(?:,? and (?:{_INTENSIFIERS})|, ?(?:{_INTENSIFIERS})){{0,2}}(?= [a-z]))"
    r"|(?:in recent (?:times|days|weeks|months|years)|(?:in )?these days|nowadays|lately"
    r"|currently|at present|at the moment|right now)\b"
    r"(?! (?:of|when|that|which|where|before|after|since|in which)\b)(?:,(?= ))?)"
)
_RANKED_RE = re.compile(
    r"\d|\b(?:[a-z]{2,}est|most|least|first|only|record|ever|than|more|less|fewer|percent"
    r"|hundred|thousand|million|billion|twice|doubled|tripled|halved|rose|risen|fell|fallen"
    r"|grew|grown|increased|decreased|dropped|declined)\b"
)
# A list ending the statement, from its second item on: "support for the missile programs
# and its nuclear technology or space launch capabilities". Items start with a determiner.
_LIST_ITEM_RE = re.compile(
    r" (?:and|or) (?=(?:the|a|an|its|his|her|their|our|other|any|all|some) )"
)
# A tail that is not just more list items: a preposition, a clause or a comma in it may
# bear on the whole list ("rounds and other equipment to Moscow").
_NOT_LIST_TAIL_RE = re.compile(
    r",| (?:to|in|into|for|from|with|by|on|at|as|than|that|which|who|whom|whose|since"
    r"|until|after|before|during|under|over|against|about|through|between|among|within"
    r"|without|while|because|if|when|where)\b"
)
# Words that pair "and" with an earlier item: "between Russia and North Korea".
_PAIRING_WORDS = _words("between among both either neither whether")


class _HeadVerb(NamedTuple):
    end: int  # where the statement's first verb ends
    present: bool  # a present-tense "-s" verb `_FINITE_RE` does not know: a guess
    known: int | None  # after a guess, where `_FINITE_RE`'s first verb starts, if anywhere


def _head_verb_end(statement: str) -> _HeadVerb | None:
    """Where the statement's first verb ends (a head cut after it keeps a verb), and
    whether that verb is a present-tense "-s" verb `_FINITE_RE` does not know.

    `_FINITE_RE` finds most verbs; a present-tense verb right after the subject
    ("Washington views ...") is looked for only when it finds none within the soft limit.
    """
    verb = _FINITE_RE.search(statement)
    if verb and verb.start() < STATEMENT_SOFT_LIMIT:
        return _HeadVerb(verb.end(), False, None)
    present = _PRESENT_VERB_RE.match(statement)
    if present and present.group("name") not in _STARTERS:
        return _HeadVerb(present.end(), True, _known_verb(statement, verb) if verb else None)
    return _HeadVerb(verb.end(), False, None) if verb else None


def _known_verb(statement: str, first: re.Match) -> int | None:
    """Where the first of `_FINITE_RE`'s verbs from `first` on that may be a predicate
    starts: not a participle ("one raised by a teacher", "of undocumented immigrants")."""
    for verb in itertools.chain((first,), _FINITE_RE.finditer(statement, first.end())):
        if statement.startswith(" by ", verb.end()):
            continue
        before = statement[max(0, verb.start() - 15) : verb.start()].split()
        if not before or before[-1].lower() not in _DANGLING:
            return verb.start()
    return None


def _clause_cut(statement: str, first: int, verb: _HeadVerb) -> int | None:
    """Where to drop trailing clauses beyond `first`: the longest head within the soft limit,
    else the shortest one. A marker coordinated with what precedes it ("before and during
    the siege", "without punctuation or after") or after "the" ("the following") is no cut.

    After a guessed verb, a verb `_FINITE_RE` knows later on may be the real one ("Russian
    exports of grain ..., officials say, fell sharply"): no cut comes before it, unless the
    cut starts a second predicate with it ("views ... with concern and is monitoring").
    """
    cuts = [m.start() for m in _COMMA_RE.finditer(statement, first)]
    cuts.extend(
        m.start()
        for m in _MARKER_RE.finditer(statement, first)
        if not statement.endswith((" and", " or", " the"), 0, m.start())
    )
    if verb.present and statement.find(" and ", first) >= 0:
        cuts.extend(m.start() for m in _AND_PRESENT_RE.finditer(statement, first))
    if verb.known is not None:
        known = verb.known
        cuts = [cut for cut in cuts if cut >= known or statement.startswith(" and ", cut)]
    if not cuts:
        return None
    within = [cut for cut in cuts if cut <= STATEMENT_SOFT_LIMIT]
    return max(within) if within else min(cuts)


def _drop_padding(statement: str) -> str:
    """The statement without intensifiers after an auxiliary and vague present time."""
    drops = []
    ranked = None
    for match in _PADDING_RE.finditer(statement):
        start = match.start()
        if match.lastgroup:  # "intensifier"
            before = statement[statement.rfind(" ", 0, start) + 1 : start]
            if not (before.lower() in _AUXILIARIES or before.endswith(_CONTRACTED_AUXILIARIES)):
                continue
            adverbs = set(match.group().replace(",", " ").split()) - {"and"}
            if adverbs <= _EMPHASIS or _ING_RE.match(statement, match.end()):
                drops.append((start, match.end()))
            continue
        if ranked is None:
            ranked = bool(_RANKED_RE.search(statement))
        if not ranked:  # ", in recent weeks," goes with both its commas
            drops.append((start - (statement[start - 1 : start] == ","), match.end()))
    if not drops:
        return statement
    pieces, kept = [], 0
    for start, end in drops:
        pieces.append(statement[kept:start])
        kept = end
    return "".join(pieces) + statement[kept:]


def _list_cut(statement: str, first: int) -> int | None:
    """Where the further items of a list ending the statement start, or None."""
    item = _LIST_ITEM_RE.search(statement, first)
    if item is None:
        return None
    # Items count only after the last preposition, comma or verb (one pass of each).
    last = item.start()
    for stop in _NOT_LIST_TAIL_RE.finditer(statement, last):
        last = stop.end()
    for verb in _FINITE_RE.finditer(statement, last):
        last = verb.end()
    cuts = [
        later.start()
        for later in _LIST_ITEM_RE.finditer(statement, last)
        if _PAIRING_WORDS.isdisjoint(
            statement[max(0, later.start() - 60) : later.start()].lower().split()[-6:]
        )
    ]
    if not cuts:
        return None
    within = [cut for cut in cuts if cut <= STATEMENT_SOFT_LIMIT]
    return max(within) if within else min(cuts)


def _shorten(statement: str) -> str:
    """Drop trailing clauses beyond the soft limit; cut at a word beyond the hard one.

    A clause is dropped at a comma, a subordinating word ("for use in", "under",
    "including", "during" ...) or a second predicate ("and is monitoring ..."), and only
    if what is left still has a verb: the longest such head within the soft limit, else
    the shortest one. A statement still too long loses intensifiers ("really"), vague
    present time ("in recent times") and then the further items of a list ending it.
    """
    if len(statement) <= STATEMENT_SOFT_LIMIT:
        return statement
    if ", wh" in statement:
        statement = _NONRESTRICTIVE_RE.sub(" ", statement)
    verb = _head_verb_end(statement) if len(statement) > STATEMENT_SOFT_LIMIT else None
    first = max(_MIN_HEAD, verb.end) if verb else 0  # a head must keep a verb
    if verb:
        cut = _clause_cut(statement, first, verb)
        if cut is not None:  # not ending "with Booker T. Washington and"
            words = statement[:cut].rstrip(" ,;:").split(" ")
            while len(words) > 1 and words[-1].rstrip(",;:") in _DANGLING_AT_CUT:
                words.pop()
            statement = " ".join(words).rstrip(" ,;:")
    if len(statement) > STATEMENT_SOFT_LIMIT:
        padded, statement = statement, _drop_padding(statement)
        if statement != padded:
            statement = " ".join(statement.split()).strip(" ,;:")
    if len(statement) > STATEMENT_HARD_LIMIT and verb:  # rather than cut at a word
        cut = _list_cut(statement, first)
        if cut is not None:
            statement = statement[:cut].rstrip(" ,;:")
    if len(statement) > STATEMENT_HARD_LIMIT:
        cut = statement.rfind(" ", 0, STATEMENT_HARD_LIMIT)
        words = statement[: cut if cut > 0 else STATEMENT_HARD_LIMIT - 1].split()
        while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
            words.pop()
        statement = " ".join(words).rstrip(_TRAILING_PUNCT + " ") + "…"
    return statement


def _unstray(match: re.Match) -> str:
    word = match.group(1)
    return match.group() if word.lower() in _AMBIGUOUS else word + " "


def _statement(words: str, *, antecedent: str = "", tail: bool = False) -> str:
    """A short restatement of a claim's words a reviewer can edit (never a verdict word)."""
    statement = words
    if _QUOTE_CHARS_RE.search(statement):
        statement = _QUOTE_CHARS_RE.sub("", statement)
    if ". " in statement:  # "possible transfers. of Russian weapons"
        statement = _STRAY_PERIOD_RE.sub(_unstray, statement)
    statement = " ".join(statement.split())
    leading = _LEADING_THAT_RE.match(statement)
    if leading and leading.end() < len(statement):
        statement = statement[leading.end() :]
    if tail:
        if antecedent:  # "members of its armed wing" -> "members of Hamas’ armed wing"
            possessive = antecedent + ("’" if antecedent.endswith("s") else "’s")
            statement = _ITS_RE.sub(lambda _: possessive, statement, count=1)
        # "an agreement that apparently was reached" -> "an agreement apparently was reached"
        statement = _RELATIVE_HEAD_RE.sub(r"\1", statement, count=1)
    lowered = statement.lower()
    if _VERDICT_STEM_RE.search(lowered):
        statement = " ".join(_VERDICT_RE.sub("", statement).split())
    statement = _shorten(statement.strip(" " + _TRAILING_PUNCT)).strip(" ,;:-–—")
    if statement and statement[0].islower():
        statement = statement[0].upper() + statement[1:]
    return statement


# ---------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------

_DIGIT_RE = re.compile(r"\d")
_SUBSTANTIVE = _words("quantity time named_entity comparison legal past_action")


def _too_short(words: str) -> bool:
    """Fewer than three words, or than two with a figure ("Up 5%.") asserts nothing."""
    count = len(words.split(maxsplit=2))  # at most 3: enough to tell
    return count < 2 or (count == 2 and not _DIGIT_RE.search(words))


def _claims_in_sentence(sent: Sentence, context: _Context, hits: _Hits) -> list[ProposedClaim]:
    sentence = sent.text
    if _too_short(sentence):
        return []  # "(APPLAUSE)", "Gov.", "Thank you.", "1."
    question = sentence.rstrip(_QUESTION_TAIL).endswith("?")
    claims = []
    # The signal words of the sentence; those of a part of it are filtered from these.
    in_sentence = hits.between(sent.start, sent.end)
    verbs = [(hit[0] - sent.start, hit[3]) for hit in in_sentence if hit[2] == "say"]
    for frame in _frames(sentence, context, verbs):
        around = []
        if frame.attribution:
            frame_start, frame_end = sent.start + frame.start, sent.start + frame.end
            around = [hit for hit in in_sentence if hit[1] <= frame_start or hit[0] >= frame_end]
        for part in _parts(sentence, frame):
            start, end = sent.start + part.start, sent.start + part.end
            words = sentence[part.start : part.end]
            if _too_short(words):
                continue
            antecedent = ""
            if part.tail and _ITS_RE.search(words, 0, 60):
                before = [h[3] for h in in_sentence if h[1] <= start and h[2] == "named_entity"]
                antecedent = before[-1] if before else ""
            signals = _signals(
                [hit for hit in in_sentence if hit[0] >= start and hit[1] <= end],
                attribution=frame.attribution,
                question=question,
                extra_names=tuple(name for name in (antecedent, frame.claimant) if name),
                context=around,
            )
            names = {signal.name for signal in signals}
            if "greeting" in names and names.isdisjoint(_SUBSTANTIVE):
                continue
            statement = _statement(words, antecedent=antecedent, tail=part.tail)
            claims.append(
                ProposedClaim(
                    start=start,
                    end=end,
                    quote=words,
                    statement=statement or " ".join(words.split())[:STATEMENT_HARD_LIMIT],
                    claimant=frame.claimant,
                    kind=_kind(signals, is_quote=frame.is_quote),
                    score=_score(signals),
                    signals=signals,
                    sentence_start=sent.start,
                    sentence_end=sent.end,
                )
            )
    return claims


def proposed_claims(text: str) -> list[ProposedClaim]:
    """Every assertion the text makes, as proposed claims sorted by position.

    Low-scoring proposals are included; greetings and empty fragments are left out.
    """
    return PartJoiner().add(detect_part(text, 0, first=True))


# ---------------------------------------------------------------------------------------
# Detection in parts (a long article on several processors)
# ---------------------------------------------------------------------------------------

# A part after the first starts without knowing the last person named before it (the
# claimant of a "he" or "she"). Its sentences read before it names anyone are read again
# by `PartJoiner`, which knows. (Article text has no control characters.)
_EARLIER_PERSON = "\x00"
# A paragraph break right after a sentence's end: no sentence, signal word, name or
# number spans it, so the text on either side can be read apart (see `part_cuts`).
_PART_BREAK_RE = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\n[^\S\n]*\n\s*")
# Words that make a two-word name an institution rather than a person ("Washington Post").
_INSTITUTION_WORDS = _words(
    """Post Times News Agency Ministry Department House Council Office Party Bank Court
    University Institute Company Corporation Group Army Navy Forces Command Street Journal"""
)

_Hit = tuple[int, int, str, str]
_NamedAt = dict[str, list[tuple[int, str]]]


@dataclass(frozen=True)
class Part:
    """The claims of a part of a text (offsets into the whole text) and what joining the
    parts needs: where full names appear, the last person named, sentences to read again."""

    claims: list[ProposedClaim]
    full_names: _NamedAt  # each word of a two-word name -> (position, that name)
    last_person: str  # the last person named as a claimant, or _EARLIER_PERSON if none
    unsettled: list[tuple[Sentence, list[_Hit]]]  # read before a person was named


def part_cuts(text: str, parts: int) -> list[int]:
    """Up to parts - 1 offsets that cut the text into parts of about equal size, each at a
    paragraph break after a sentence's end, so that `detect_part` reads each part exactly
    as `proposed_claims` reads it within the whole text."""
    cuts: list[int] = []
    for index in range(1, parts):
        start = max(len(text) * index // parts, cuts[-1] if cuts else 0)
        match = _PART_BREAK_RE.search(text, start)
        if match is None or match.end() >= len(text):
            break
        cuts.append(match.end())
    return cuts


def detect_part(part: str, offset: int, *, first: bool = False) -> Part:
    """The claims of part (the text from `offset` to a cut of `part_cuts`, or the whole
    text), as `proposed_claims` finds them within the whole text once `PartJoiner` has
    settled what depends on earlier parts."""
    context = _Context(last_person="" if first else _EARLIER_PERSON)
    hits = _scan(part)
    claims = []
    unsettled = []
    for sent in sentences(part):
        if context.last_person == _EARLIER_PERSON:
            unsettled.append((sent, hits.between(sent.start, sent.end)))
        claims.extend(_claims_in_sentence(sent, context, hits))
    claims.sort(key=lambda claim: (claim.start, claim.end))
    if offset:
        claims = [
            claim._replace(
                start=claim.start + offset,
                end=claim.end + offset,
                sentence_start=claim.sentence_start + offset,
                sentence_end=claim.sentence_end + offset,
            )
            for claim in claims
        ]
        unsettled = [
            (Sentence(sent.start + offset, sent.end + offset, sent.text), _shifted(found, offset))
            for sent, found in unsettled
        ]
    return Part(claims, _full_names(hits.hits, offset), context.last_person, unsettled)


def _shifted(hits: list[_Hit], offset: int) -> list[_Hit]:
    return [(start + offset, end + offset, signal, words) for start, end, signal, words in hits]


def _full_names(hits: list[_Hit], offset: int) -> _NamedAt:
    """Each word of the two-word names in hits (the last two capitalised words of a name,
    "Foreign Minister Park Jin" -> "Park Jin", not an institution) -> (position, name)."""
    found: _NamedAt = {}
    tails: dict[str, str | None] = {}
    for start, _end, signal, name in hits:  # hits are sorted by position
        if signal != "named_entity" or " " not in name:
            continue
        if name not in tails:
            words = name.split()[-2:]
            named = (
                words[0][:1].isupper()
                and words[1][:1].isupper()
                and _INSTITUTION_WORDS.isdisjoint(words)
            )
            tails[name] = " ".join(words) if named else None
        full = tails[name]
        if full is not None:
            for word in full.split():
                found.setdefault(word, []).append((start + offset, full))
    return found


class PartJoiner:
    """Takes the parts of a text in order and gives each part's final claims: the claimant
    of a pronoun opening a part is the last person named before it, and a claimant given by
    one word is named in full as the article named them before ("Blinken" after "Antony
    Blinken", "Park" after "Park Jin"): an earlier claimant or two-word name with that word.
    """

    def __init__(self) -> None:
        self.last_person = ""
        self.full_names: _NamedAt = {}  # from names in the text
        self.claimant_names: _NamedAt = {}  # from claimants of two or three words

    def add(self, part: Part) -> list[ProposedClaim]:
        claims = part.claims
        if part.unsettled:
            # Read again, knowing who was named last before the part.
            context = _Context(last_person=self.last_person)
            again: dict[int, list[ProposedClaim]] = {}
            for sent, found in part.unsettled:
                hits = _Hits([hit[0] for hit in found], found)
                again[sent.start] = _claims_in_sentence(sent, context, hits)
            claims = [claim for claim in claims if claim.sentence_start not in again]
            for redone in again.values():
                claims.extend(redone)
            claims.sort(key=lambda claim: (claim.start, claim.end))
            if part.last_person == _EARLIER_PERSON:
                self.last_person = context.last_person
        if part.last_person != _EARLIER_PERSON:
            self.last_person = part.last_person
        for word, entries in part.full_names.items():
            self.full_names.setdefault(word, []).extend(entries)
        return [self._named_in_full(claim) for claim in claims]

    def _named_in_full(self, claim: ProposedClaim) -> ProposedClaim:
        claimant = claim.claimant
        if claimant and " " not in claimant and claimant[:1].isupper():
            candidates = [
                entries[index - 1]
                for entries in (
                    self.full_names.get(claimant, []),
                    self.claimant_names.get(claimant, []),
                )
                if (index := bisect.bisect_left(entries, (claim.start, ""))) > 0
            ]
            if candidates:
                return claim._replace(claimant=max(candidates)[1])
        elif len(claimant.split()) in (2, 3):
            for word in claimant.split():
                self.claimant_names.setdefault(word, []).append((claim.start, claimant))
        return claim
