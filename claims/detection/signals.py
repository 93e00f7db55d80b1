"""Signals and the score: what makes a claim check-worthy, each signal with its evidence.

One scan of the whole text (`scan`) finds the signal words: numbers, lexicon words and
phrases, word beginnings, past-tense verbs and names, with trie-shaped expressions and no
nested unbounded repetition, so in time linear in the text; each claim then takes the
words within its span (`Hits.between`). `claim_signals` turns them into weighted signals
(numbers, names, attribution, legal words, time; minus opinion, hedges, calls to action,
greetings, questions; `no_sentence_end_signal` adds a sentence ending its paragraph
without a full stop, `personal_signal` a claim's "I", "we", "you" ..., `length_signal` its
length in words), `claim_score` combines the weights by a logistic function and
`claim_kind` names the kind of claim.

The bias and the weights of the signals a reader can see in a text (and of the claim's
length) are learned: `training` fits them on the development documents and writes
`weights.json` beside this module, read here once, offline. The rules' own weights
(`RULE_WEIGHTS`) are where the learning starts from, and what it falls back to.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from claims.detection.sentences import STARTERS
from claims.detection.text import trie_pattern, word_set


class Signal(NamedTuple):
    name: str  # "quantity", "attribution", "named_entity", ... (see WEIGHTS)
    weight: float  # positive raises the score, negative lowers it
    evidence: str  # the words that triggered it, for display to the reviewer


# The hand-set weights of the rules: the starting point (and prior) of `training`.
RULE_BIAS = -1.2
RULE_WEIGHTS = {
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
    # A sentence that ends its paragraph without a full stop: page furniture ("Read
    # More", "Beaumont, Texas |"), a heading or a caption rather than a statement.
    "no_sentence_end": -1.0,
    # The sentence speaks of the speaker or the reader ("I", "we", "you", ...): per word,
    # up to PERSONAL_CAP of them. The rules did not count it: learned from 0.
    "personal": 0.0,
}
# Weights that are not learned: the data has no run-on text, and a flag weighs nothing.
FIXED_WEIGHTS = {
    # Text without sentence ends: outweighs every positive signal together.
    "run_on": -8.0,
    # A statement a reviewer must edit (a subject naming no one, too long): a flag only.
    "needs_editing": 0.0,
}
# A claim's length in its own words (not its sentence's) counts as
# log(words / LENGTH_REFERENCE), words bounded by LENGTH_BOUNDS: a claim longer than usual
# weighs for, a fragment against.
LENGTH_REFERENCE = 20
LENGTH_BOUNDS = (3, 60)
WEIGHTS_FILE = Path(__file__).with_name("weights.json")


def read_weights(path: Path = WEIGHTS_FILE) -> tuple[float, dict[str, float], float]:
    """(bias, signal weights, length weight) as learned in the file, else the rules'."""
    try:
        learned = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return RULE_BIAS, dict(RULE_WEIGHTS), 0.0
    weights = {name: float(learned["weights"][name]) for name in RULE_WEIGHTS}
    return float(learned["bias"]), weights, float(learned["length"])


BIAS, _LEARNED_WEIGHTS, LENGTH_WEIGHT = read_weights()
WEIGHTS = {**_LEARNED_WEIGHTS, **FIXED_WEIGHTS}
NAMED_ENTITY_CAP = 3
PERSONAL_CAP = 3
# The words of the speaker and the reader (case matters: "US" is a country, "us" is not).
_PERSONAL_RE = re.compile(
    r"(?<![\w’'\-])(?:I|I’m|I'm|I’ve|I've|I’ll|I'll|I’d|I'd|me|my|we|We|our|Our|us|you|You"
    r"|your|Your|you’re|you're)(?![\w’'\-])"
)

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
            for period in word_set(
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
        for adjective in word_set(
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

IRREGULAR_PAST = (
    "sent|made|took|gave|won|lost|paid|built|spent|met|held|became|began|grew|fell|rose|went"
    "|came|left|brought|bought|sold|led|saw|seen|wrote|written|found|ran|kept|shot|struck"
    "|fought|taught|caught|drew|drove|flew|broke|chose|knew|stole|threw|spoke|told|sank"
    "|swore|understood|withdrew|arose|fled|forgave|froze|hid|laid|lent|meant|rode|rang"
    "|sought|shook|slept|stood|stuck|swept|swam|tore|wore|dealt|dug|fed|felt|got|heard|hung"
)
_NOT_PAST = word_set(
    """need needed indeed speed seed feed proceed succeed exceed breed greed shed hundred
    embed bed red bled fled sled wed weed deed heed steed creed kindred sacred naked wicked
    wretched rugged ragged crooked beloved learned aged blessed cursed dogged jagged
    supposed concerned interested excited pleased committed dedicated"""
)

_WORD_START = r"(?<![\w’'\-])"
_WORD_END = r"(?![\w’'\-])"
# Numbers (with a currency, a percent sign or a unit word), lexicon words and phrases,
# word beginnings: one pass over the whole text.
_SCAN_PATTERN = (
    r"(?P<number>(?<![\w’'\-.,])[$€£¥]?\d(?:[\d,.]{0,24}\d)?%?"
    r"(?:\s+(?:hundred|thousand|million|billion|trillion|percent|per\s?cent|dozen)\b)?)"
    rf"|{_WORD_START}(?:(?P<lexicon>{trie_pattern(_LEXICON)}){_WORD_END}"
    rf"|(?P<prefix>{trie_pattern(_PREFIXES)})[\w’'\-]*)"
)
# It consumes the character before the word instead of looking behind: the engine then
# skips ahead to spaces and punctuation. It runs over " " + the lower-cased text (`_lower`).
_BEFORE_WORD = r"[^\w’'\-]"
_SCAN_FAST_RE = re.compile(_BEFORE_WORD + "(?:" + _SCAN_PATTERN.replace(_WORD_START, "") + ")")
_PAST_PATTERN = rf"(?:[a-z]{{3,}}ed|{trie_pattern(IRREGULAR_PAST.split('|'))}){_WORD_END}"
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
_NOT_NAMES = word_set(
    """I I'm I’m I've I’ve I'll I’ll I'd I’d OK Mr Mrs Ms Dr Prof Sir Madam God
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday"""
)


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
    while first < len(words) and words[first] in STARTERS:
        first += 1
    name = " ".join(words[first:])
    for suffix in ("’s", "'s", "’", "'"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_name(name: str) -> bool:
    return bool(name) and name not in _NOT_NAMES and not (len(name) == 1 and name.isupper())


# A signal word or name found in a text: (start, end, signal, words).
Hit = tuple[int, int, str, str]


@dataclass(frozen=True)
class Hits:
    """Signal words found in a text, sorted by position."""

    starts: list[int]
    hits: list[Hit]

    def between(self, start: int, end: int) -> list[Hit]:
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_left(self.starts, end, first)
        return [hit for hit in self.hits[first:last] if hit[1] <= end]


def scan(text: str) -> Hits:
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
    return Hits([hit[0] for hit in hits], hits)


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


def claim_signals(
    hits: list[Hit],
    *,
    attribution: str,
    question: bool,
    extra_names: tuple[str, ...] = (),
    context: list[Hit] = (),
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


# What may follow a sentence's last word: closing quotes and brackets, whitespace.
_SENTENCE_TAIL = " \t\n\r\"'”’»)]"
_SENTENCE_ENDS = (".", "!", "?", "…", ":", ";")


def no_sentence_end_signal(sentence: str) -> Signal | None:
    """The `no_sentence_end` signal of a sentence whose last word is followed by no full
    stop, question or exclamation mark, ellipsis, colon or semicolon (the sentence ended
    at a paragraph break or the end of the text), with its last words as evidence; None
    for a sentence that ends as sentences do."""
    words = sentence.rstrip(_SENTENCE_TAIL)
    if not words or words.endswith(_SENTENCE_ENDS):
        return None
    last = " ".join(words.split()[-3:])
    return Signal("no_sentence_end", WEIGHTS["no_sentence_end"], f"{last}")


def personal_words(sentence: str) -> list[str]:
    """The sentence's first PERSONAL_CAP words of its speaker or its reader, as found."""
    return _PERSONAL_RE.findall(sentence)[:PERSONAL_CAP]


def personal_signal(sentence: str) -> Signal | None:
    """The `personal` signal of a sentence that speaks of its speaker or its reader, its
    `personal_words` as evidence, one unit each; None without any, or while the weight is
    0 (the rules' weight)."""
    if not WEIGHTS["personal"]:
        return None
    words = personal_words(sentence)
    if not words:
        return None
    return Signal("personal", round(WEIGHTS["personal"] * len(words), 3), ", ".join(words))


def signal_units(signal: Signal) -> float:
    """How many times its weight a signal counts, read from its evidence as
    `claim_signals` counted it: distinct names up to NAMED_ENTITY_CAP, 1.5 for several
    opinion words, the personal words shown, else 1. What `training` learns a weight for,
    whatever the weights."""
    if signal.name == "personal":
        return float(len(signal.evidence.split(", ")))
    if signal.name == "named_entity":
        return float(min(len(signal.evidence.split(", ")), NAMED_ENTITY_CAP))
    if signal.name == "opinion":
        return 1.5 if len({word.lower() for word in signal.evidence.split(", ")}) > 1 else 1.0
    return 1.0


def length_units(words: int) -> float:
    """What the length weight multiplies: log(words / LENGTH_REFERENCE), words bounded."""
    bounded = min(max(words, LENGTH_BOUNDS[0]), LENGTH_BOUNDS[1])
    return math.log(bounded / LENGTH_REFERENCE)


@functools.lru_cache(maxsize=256)
def length_signal(words: int) -> Signal | None:
    """The weight of a claim's length, None where it rounds to nothing."""
    weight = round(LENGTH_WEIGHT * length_units(words), 2)
    if not weight:
        return None
    return Signal("length", weight, f"{words} words in the claim")


def claim_score(signals: tuple[Signal, ...]) -> float:
    """The logistic of the bias plus the signals' weights, in [0, 1], 3 decimals."""
    return _logistic(BIAS + sum([signal.weight for signal in signals]))


@functools.lru_cache(maxsize=4096)
def _logistic(total: float) -> float:
    return round(min(1.0, max(0.0, 1.0 / (1.0 + math.exp(-total)))), 3)


KINDS = ("statistic", "event", "quote", "legal", "prediction", "other")


def claim_kind(signals: tuple[Signal, ...], *, is_quote: bool) -> str:
    """One of KINDS: a figure makes a statistic; else a direct quote is a quote; else
    legal words, a prediction, a past action with a name or a time (an event), in turn."""
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
